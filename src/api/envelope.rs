//! The common response envelope: `ResponseMetadata` (+ `Error`) and `Result`.
//!
//! Failure is decided by the presence of `ResponseMetadata.Error`, not by the HTTP status
//! alone (a 200 can carry an error) and not by `CodeN` (docs/spec/signing.md, "Response
//! envelope").

use crate::Error;
use serde_json::{Map, Value};

/// `ResponseMetadata` without `Error` (a successful response's metadata). Read by [`decode`]
/// and written by [`Self::envelope_with`], both by hand (no serde round trip in the `.wasm`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseMetadata {
    /// Unique id of this request at the vendor (`RequestId`); quote it in support tickets.
    pub request_id: String,
    /// The action (`Action`).
    pub action: String,
    /// The API version (`Version`).
    pub version: String,
    /// The service (`Service`, often empty).
    pub service: String,
    /// The region (`Region`, often empty).
    pub region: String,
}

impl ResponseMetadata {
    /// `{"ResponseMetadata": self, "Result": result}` built directly (no `Serialize` round
    /// trip, which would pull serde_json's value serializer into the `.wasm`).
    pub fn envelope_with(&self, result: Value) -> Value {
        let mut meta = Map::new();
        for (k, v) in [
            ("RequestId", &self.request_id),
            ("Action", &self.action),
            ("Version", &self.version),
            ("Service", &self.service),
            ("Region", &self.region),
        ] {
            meta.insert(k.to_owned(), Value::String(v.clone()));
        }
        let mut env = Map::new();
        env.insert("ResponseMetadata".to_owned(), Value::Object(meta));
        env.insert("Result".to_owned(), result);
        Value::Object(env)
    }
}

/// A decoded successful response: metadata and the `Result`.
#[derive(Clone, Debug, PartialEq)]
pub struct Success {
    /// `ResponseMetadata`.
    pub metadata: ResponseMetadata,
    /// `Result`, as JSON; typed actions read it further (e.g. `P2PSendMessageResult::from_value`).
    pub result: Value,
    /// The HTTP status it came with.
    pub status: u16,
    /// How many attempts the call made (set by the call loop; 0 from `decode`).
    pub attempts: u32,
}

fn preview(body: &[u8]) -> String {
    if body.is_empty() {
        return "an empty body".into();
    }
    let text = String::from_utf8_lossy(&body[..body.len().min(80)]);
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out = ["a body starting ", &crate::sign::quote(clean.trim())].concat();
    if body.len() > 80 {
        out.push('…');
    }
    out
}

fn text(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Decodes a response of `action` with HTTP `status` and `body` into a success or an error
/// that carries `Code`, `CodeN`, `RequestId`, the status and the action. Read from a generic
/// JSON value by hand: serde's typed decoding would add its float-formatting error paths
/// (~20 KB) to the `.wasm`.
pub fn decode(action: &str, status: u16, body: &[u8]) -> Result<Success, Error> {
    let not_envelope = |why: &str, request_id: String| {
        let msg = [
            "HTTP ",
            &status.to_string(),
            " with ",
            &preview(body),
            ": ",
            why,
        ]
        .concat();
        let mut e = Error::invalid_response(status, msg).with_action(action);
        e.request_id = Some(request_id).filter(|id| !id.is_empty());
        // A 429 certainly was not processed, whatever its body.
        e.retryable = status == 429;
        e
    };
    let Ok(mut doc) = serde_json::from_slice::<Value>(body) else {
        return Err(not_envelope(
            "not a JSON Volcengine response",
            String::new(),
        ));
    };
    let meta = match doc.get("ResponseMetadata") {
        Some(m) if m.is_object() => m,
        _ => return Err(not_envelope("no ResponseMetadata", String::new())),
    };
    let request_id = text(meta, "RequestId");
    match meta.get("Error") {
        None | Some(Value::Null) => {}
        Some(e) => {
            let Some(code) = e.get("Code").and_then(Value::as_str) else {
                return Err(not_envelope("malformed ResponseMetadata.Error", request_id));
            };
            let code_n = e.get("CodeN").and_then(Value::as_i64);
            let mut out = Error::vendor(code, code_n, &text(e, "Message")).with_action(action);
            out.status = Some(status);
            out.request_id = Some(request_id).filter(|id| !id.is_empty());
            return Err(out);
        }
    }
    if !(200..300).contains(&status) {
        return Err(not_envelope(
            "an HTTP error without ResponseMetadata.Error",
            request_id,
        ));
    }
    let metadata = ResponseMetadata {
        request_id,
        action: text(meta, "Action"),
        version: text(meta, "Version"),
        service: text(meta, "Service"),
        region: text(meta, "Region"),
    };
    match doc.get_mut("Result").map(Value::take) {
        Some(result) if !result.is_null() => Ok(Success {
            metadata,
            result,
            status,
            attempts: 0,
        }),
        _ => Err(not_envelope("no Result", metadata.request_id)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;

    #[test]
    fn success() {
        let s = decode(
            "A",
            200,
            br#"{"ResponseMetadata":{"RequestId":"r1","Action":"A"},"Result":{"x":1}}"#,
        )
        .unwrap();
        assert_eq!(s.metadata.request_id, "r1");
        assert_eq!(s.result["x"], 1);
    }

    #[test]
    fn error_on_http_200_is_an_error() {
        let e = decode("A", 200, br#"{"ResponseMetadata":{"RequestId":"r2","Error":{"Code":"InvalidParam","CodeN":0,"Message":"bad"}}}"#).unwrap_err();
        assert_eq!(e.code, ErrorCode::Vendor("InvalidParam".into()));
        assert_eq!(
            (e.code_n, e.status, e.request_id.as_deref()),
            (Some(0), Some(200), Some("r2"))
        );
        assert_eq!(e.action.as_deref(), Some("A"));
    }

    #[test]
    fn non_2xx_keeps_structured_error() {
        let e = decode("A", 401, br#"{"ResponseMetadata":{"RequestId":"r3","Error":{"Code":"SignatureDoesNotMatch","CodeN":100010,"Message":"m"}}}"#).unwrap_err();
        assert_eq!(e.code.as_str(), "SignatureDoesNotMatch");
        assert_eq!((e.code_n, e.status), (Some(100010), Some(401)));
        assert!(!e.retryable);
        let e = decode("A", 429, br#"{"ResponseMetadata":{"RequestId":"r","Error":{"Code":"FlowLimitExceeded","CodeN":100018,"Message":"m"}}}"#).unwrap_err();
        assert!(e.retryable);
    }

    #[test]
    fn typed_result_of_the_wrong_shape_is_invalid_response_with_request_id() {
        let body =
            br#"{"ResponseMetadata":{"RequestId":"r9"},"Result":{"P2PResult":[{"UserId":"x"}]}}"#;
        let ok = decode("A", 200, body).unwrap();
        let why = crate::api::p2p::P2PSendMessageResult::from_value(&ok.result).unwrap_err();
        assert!(why.contains("UserId"), "{why}");
        let body = br#"{"ResponseMetadata":{"RequestId":"r8","Error":{"Code":"X","Message":"m"}},"Result":7}"#;
        let e = decode("A", 400, body).unwrap_err();
        assert_eq!(e.code.as_str(), "X");
        let body = br#"{"ResponseMetadata":{"RequestId":"r7","Error":{"Message":"no code"}}}"#;
        let e = decode("A", 400, body).unwrap_err();
        assert_eq!(
            (e.code, e.request_id.as_deref()),
            (ErrorCode::InvalidResponse, Some("r7"))
        );
    }

    #[test]
    fn a_bare_429_is_retryable() {
        let e = decode("A", 429, br#"{"ResponseMetadata":{"RequestId":"q"}}"#).unwrap_err();
        assert!(e.retryable && e.code == ErrorCode::InvalidResponse);
        assert!(
            decode("A", 429, b"<html>Too Many Requests</html>")
                .unwrap_err()
                .retryable
        );
    }

    #[test]
    fn non_envelopes_are_invalid_response_with_status() {
        for (status, body) in [
            (502, &b"<html>bad gateway</html>"[..]),
            (200, b""),
            (200, b"{\"a\":"),
            (200, b"[]"),
            (200, br#"{"ResponseMetadata":{"RequestId":"x"}}"#),
            (500, br#"{"ResponseMetadata":{"RequestId":"x"}}"#),
        ] {
            let e = decode("A", status, body).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidResponse, "{body:?}");
            assert_eq!(e.status, Some(status));
            assert!(!e.retryable);
        }
    }
}
