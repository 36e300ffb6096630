//! The simulator's own wire models (docs/spec/P2PSendMessage.md): the request body it accepts,
//! the result and envelope it answers with. Separate from the SDK crate's models so that a
//! field the two disagree on shows up as a failing test, not as a shared blind spot.

use serde::{Deserialize, Serialize};

/// The action this simulator serves, and its API version.
pub const ACTION: &str = "P2PSendMessage";
/// The IM OpenAPI version.
pub const VERSION: &str = "2020-12-01";

/// Parses a decimal int64 (`-?[0-9]{1,19}`, no sign `+`, no spaces), for ids given as strings
/// in the config and in `/sim/connect` queries.
pub fn parse_int64(s: &str) -> Option<i64> {
    let digits = s.strip_prefix('-').unwrap_or(s);
    if digits.is_empty() || digits.len() > 19 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The request body. Ids are JSON integers, read exactly (serde_json never goes through f64
/// for an integer literal); a fraction, exponent or string where an id belongs is refused, as
/// the real service does.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct P2PSendMessageRequest {
    /// int32 application id.
    #[serde(rename = "AppId")]
    pub app_id: i32,
    /// int64 sender.
    #[serde(rename = "Sender")]
    pub sender: i64,
    /// int64 conversation.
    #[serde(rename = "ConversationShortId")]
    pub conversation_short_id: i64,
    /// int32 message type.
    #[serde(rename = "MsgType")]
    pub msg_type: i32,
    /// Passed through untouched.
    #[serde(rename = "Content")]
    pub content: String,
    /// When non-empty, only these users (and `IgnoreUserIds` is not applied).
    #[serde(rename = "ReceiverUserId", default)]
    pub receiver_user_id: Option<Vec<i64>>,
    /// Users left out when `ReceiverUserId` is empty.
    #[serde(rename = "IgnoreUserIds", default)]
    pub ignore_user_ids: Option<Vec<i64>>,
}

/// One receiver's outcome. `UserId` is a bare JSON integer, as the vendor sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct P2PResult {
    /// The receiver.
    #[serde(rename = "UserId")]
    pub user_id: i64,
    /// `SUCCESS` or `NOT_ONLINE`.
    #[serde(rename = "Code")]
    pub code: &'static str,
    /// The platform the message reached, or `Default`.
    #[serde(rename = "DevicePlatform")]
    pub device_platform: &'static str,
}

/// `Result` of a successful call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct P2PSendMessageResult {
    /// Per-receiver outcomes.
    #[serde(rename = "P2PResult")]
    pub p2p_result: Vec<P2PResult>,
}

/// `ResponseMetadata` without its optional `Error`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResponseMetadata {
    /// Unique per call.
    #[serde(rename = "RequestId")]
    pub request_id: String,
    /// The query's Action, echoed.
    #[serde(rename = "Action")]
    pub action: String,
    /// The query's Version, echoed.
    #[serde(rename = "Version")]
    pub version: String,
    /// The signing service (`rtc`).
    #[serde(rename = "Service")]
    pub service: String,
    /// The signing region.
    #[serde(rename = "Region")]
    pub region: String,
}

/// `ResponseMetadata.Error`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct VendorError {
    /// Stable text code.
    #[serde(rename = "Code")]
    pub code: &'static str,
    /// Numeric code; the vendor sends none for `InvalidSecretToken`.
    #[serde(rename = "CodeN", skip_serializing_if = "Option::is_none")]
    pub code_n: Option<i64>,
    /// Human-readable; never holds a secret.
    #[serde(rename = "Message")]
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int64_text() {
        assert_eq!(parse_int64("9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_int64("-9223372036854775808"), Some(i64::MIN));
        for bad in [
            "",
            "-",
            "+1",
            " 1",
            "1.0",
            "1e3",
            "9223372036854775808",
            "0x10",
        ] {
            assert_eq!(parse_int64(bad), None, "{bad}");
        }
    }

    #[test]
    fn bodies_are_int64_exact_and_strict() {
        let r: P2PSendMessageRequest = serde_json::from_str(
            r#"{"AppId":1,"Sender":9007199254740993,"ConversationShortId":7221856821303361536,
                "MsgType":2,"Content":"x","ReceiverUserId":[9223372036854775807]}"#,
        )
        .unwrap();
        assert_eq!(r.sender, 9007199254740993);
        assert_eq!(r.receiver_user_id, Some(vec![i64::MAX]));
        for bad in [
            r#"{"AppId":1,"Sender":"1","ConversationShortId":1,"MsgType":2,"Content":"x"}"#,
            r#"{"AppId":1,"Sender":1e3,"ConversationShortId":1,"MsgType":2,"Content":"x"}"#,
            r#"{"AppId":1.0,"Sender":1,"ConversationShortId":1,"MsgType":2,"Content":"x"}"#,
            r#"{"AppId":4294967296,"Sender":1,"ConversationShortId":1,"MsgType":2,"Content":"x"}"#,
            r#"{"AppId":1,"Sender":1,"ConversationShortId":1,"MsgType":2}"#,
        ] {
            assert!(
                serde_json::from_str::<P2PSendMessageRequest>(bad).is_err(),
                "{bad}"
            );
        }
    }
}
