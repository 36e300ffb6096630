//! The common response envelope: `ResponseMetadata` (+ `Error`) and `Result`.
//!
//! Failure is decided by the presence of `ResponseMetadata.Error`, not by the HTTP status
//! alone (a 200 can carry an error) and not by `CodeN` (signing.md, "Response envelope").

use crate::Error;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `ResponseMetadata` without `Error` (a successful response's metadata).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseMetadata {
    /// Unique id of this request at the vendor; quote it in support tickets.
    #[serde(rename = "RequestId", default)]
    pub request_id: String,
    /// The action.
    #[serde(rename = "Action", default)]
    pub action: String,
    /// The API version.
    #[serde(rename = "Version", default)]
    pub version: String,
    /// The service (often empty).
    #[serde(rename = "Service", default)]
    pub service: String,
    /// The region (often empty).
    #[serde(rename = "Region", default)]
    pub region: String,
}

/// `ResponseMetadata.Error`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorError {
    /// e.g. `SignatureDoesNotMatch`.
    #[serde(rename = "Code")]
    pub code: String,
    /// e.g. 100010.
    #[serde(rename = "CodeN", default, skip_serializing_if = "Option::is_none")]
    pub code_n: Option<i64>,
    /// Human-readable message.
    #[serde(rename = "Message", default)]
    pub message: String,
}

/// A decoded successful response: metadata and the raw `Result`.
#[derive(Clone, Debug, PartialEq)]
pub struct Success {
    /// `ResponseMetadata`.
    pub metadata: ResponseMetadata,
    /// `Result`, still generic; typed actions decode it further.
    pub result: Value,
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
    let mut out = [
        "a body starting ",
        &serde_json::to_string(clean.trim()).unwrap_or_default(),
    ]
    .concat();
    if body.len() > 80 {
        out.push('…');
    }
    out
}

/// Decodes a response of `action` with HTTP `status` and `body` into a success or an error
/// that carries `Code`, `CodeN`, `RequestId`, the status and the action.
pub fn decode(action: &str, status: u16, body: &[u8]) -> Result<Success, Error> {
    let not_envelope = |why: &str| {
        let msg = [
            "HTTP ",
            &status.to_string(),
            " with ",
            &preview(body),
            ": ",
            why,
        ]
        .concat();
        Error::invalid_response(status, msg).with_action(action)
    };
    let mut doc: Value =
        serde_json::from_slice(body).map_err(|_| not_envelope("not a JSON Volcengine response"))?;
    let Some(meta_value) = doc.get_mut("ResponseMetadata").map(Value::take) else {
        return Err(not_envelope("no ResponseMetadata"));
    };
    let error = meta_value.get("Error").cloned();
    let metadata: ResponseMetadata = serde_json::from_value(meta_value)
        .map_err(|_| not_envelope("malformed ResponseMetadata"))?;
    let request_id = Some(metadata.request_id.clone()).filter(|s| !s.is_empty());
    if let Some(err_value) = error.filter(|e| !e.is_null()) {
        let e: VendorError = serde_json::from_value(err_value)
            .map_err(|_| not_envelope("malformed ResponseMetadata.Error"))?;
        let mut out = Error::vendor(&e.code, e.code_n, &e.message).with_action(action);
        out.status = Some(status);
        out.request_id = request_id;
        return Err(out);
    }
    if !(200..300).contains(&status) {
        let mut out = not_envelope("an HTTP error without ResponseMetadata.Error");
        out.request_id = request_id;
        return Err(out);
    }
    match doc.get_mut("Result").map(Value::take) {
        Some(result) if !result.is_null() => Ok(Success { metadata, result }),
        _ => {
            let mut out = not_envelope("no Result");
            out.request_id = request_id;
            Err(out)
        }
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
