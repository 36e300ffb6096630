//! `P2PSendMessage`: the request (validated, int64-exact) and its result (spec:
//! `docs/spec/P2PSendMessage.md`).

use super::input::{get, reject_unknown, Entries, Input};
use super::int64;
use crate::Error;
use serde::Serialize;

/// The OpenAPI action name.
pub const ACTION: &str = "P2PSendMessage";

/// The request body, exactly the spec's fields; ids serialise as bare JSON integers. Written
/// with serde ([`Self::to_json`]); read from a caller's value by [`Self::from_entries`], which
/// validates what serde could not say (how a number arrived, which field is wrong).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct P2PSendMessageRequest {
    /// Application id (int32).
    #[serde(rename = "AppId")]
    pub app_id: i32,
    /// The sender's UserId; must be a member of the conversation.
    #[serde(rename = "Sender")]
    pub sender: i64,
    /// The conversation.
    #[serde(rename = "ConversationShortId")]
    pub conversation_short_id: i64,
    /// The app's message type (int32).
    #[serde(rename = "MsgType")]
    pub msg_type: i32,
    /// Passed through untouched.
    #[serde(rename = "Content")]
    pub content: String,
    /// When non-empty: only these users receive it, and `IgnoreUserIds` is not applied.
    #[serde(
        rename = "ReceiverUserId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub receiver_user_id: Option<Vec<i64>>,
    /// Users left out (applied only when `ReceiverUserId` is empty).
    #[serde(
        rename = "IgnoreUserIds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ignore_user_ids: Option<Vec<i64>>,
}

/// The request's field names, in the spec's order.
pub const FIELDS: [&str; 7] = [
    "AppId",
    "Sender",
    "ConversationShortId",
    "MsgType",
    "Content",
    "ReceiverUserId",
    "IgnoreUserIds",
];

impl P2PSendMessageRequest {
    /// Validates a body given as entries (from a JS object or JSON text). Every problem is an
    /// `InvalidArgument` naming the field; unknown fields are refused (a misspelt
    /// `ReceiverUserIds` would otherwise silently send to everyone).
    pub fn from_entries(entries: &Entries) -> Result<Self, Error> {
        reject_unknown(entries, "body", &FIELDS)?;
        let get = |name: &str| get(entries, name);
        let content = match get("Content") {
            Input::Str(s) => s.clone(),
            Input::Absent | Input::Null => {
                return Err(Error::invalid_argument("Content: is required (a string)"))
            }
            other => {
                return Err(Error::invalid_argument(
                    [
                        "Content: expected a string, got ",
                        other.type_name(),
                        "; serialise structured content yourself (e.g. JSON.stringify)",
                    ]
                    .concat(),
                ))
            }
        };
        Ok(Self {
            app_id: int64::int32("AppId", get("AppId"))?,
            sender: int64::int64("Sender", get("Sender"))?,
            conversation_short_id: int64::int64("ConversationShortId", get("ConversationShortId"))?,
            msg_type: int64::int32("MsgType", get("MsgType"))?,
            content,
            receiver_user_id: int64::int64_list("ReceiverUserId", get("ReceiverUserId"))?,
            ignore_user_ids: int64::int64_list("IgnoreUserIds", get("IgnoreUserIds"))?,
        })
    }

    /// The exact JSON bytes to send and sign.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("plain struct serialises")
    }
}

/// `Result` of a successful call: one entry per targeted user. Read and written by hand
/// ([`Self::from_value`], [`Self::to_value`]): serde's typed decoding would add its float
/// formatting error paths to the `.wasm`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct P2PSendMessageResult {
    /// Per-user outcome (`P2PResult`).
    pub p2p_result: Vec<P2PResult>,
}

impl P2PSendMessageResult {
    /// Reads a `Result` JSON value (by hand, without serde's typed decoding, for `.wasm` size);
    /// `Err` says what is wrong. `Code` and `DevicePlatform` are open strings.
    pub fn from_value(v: &serde_json::Value) -> Result<Self, String> {
        use serde_json::Value;
        let rows = match v.get("P2PResult") {
            None | Some(Value::Null) => {
                return Ok(Self {
                    p2p_result: Vec::new(),
                })
            }
            Some(Value::Array(rows)) => rows,
            Some(_) => return Err("P2PResult is not an array".into()),
        };
        let mut p2p_result = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let at = || ["P2PResult[", &i.to_string(), "]"].concat();
            let user_id = row
                .get("UserId")
                .and_then(Value::as_i64)
                .ok_or_else(|| [at().as_str(), ".UserId is not an int64"].concat())?;
            let text = |k: &str| match row.get(k) {
                None | Some(Value::Null) => Ok(String::new()),
                Some(Value::String(s)) => Ok(s.clone()),
                Some(_) => Err([at().as_str(), ".", k, " is not a string"].concat()),
            };
            p2p_result.push(P2PResult {
                user_id,
                code: text("Code")?,
                device_platform: text("DevicePlatform")?,
            });
        }
        Ok(Self { p2p_result })
    }

    /// The result of a successful call, checked: the spec's fields only; a `Result` of another
    /// shape is `InvalidResponse` with the call's status, RequestId and attempts (hardening
    /// finding 5: it reported status 200 and 0 attempts whatever happened).
    pub fn from_success(ok: &crate::api::envelope::Success) -> Result<Self, Error> {
        Self::from_value(&ok.result).map_err(|why| {
            let mut e = Error::invalid_response(
                ok.status,
                ["Result is not a P2PSendMessage result: ", &why].concat(),
            );
            e.request_id = Some(ok.metadata.request_id.clone());
            e.attempts = ok.attempts;
            e.with_action(ACTION)
        })
    }

    /// As JSON (built directly, without the `Serialize` machinery).
    pub fn to_value(&self) -> serde_json::Value {
        use serde_json::{Map, Value};
        let rows = self
            .p2p_result
            .iter()
            .map(|r| {
                let mut row = Map::new();
                row.insert("UserId".to_owned(), Value::from(r.user_id));
                row.insert("Code".to_owned(), Value::String(r.code.clone()));
                row.insert(
                    "DevicePlatform".to_owned(),
                    Value::String(r.device_platform.clone()),
                );
                Value::Object(row)
            })
            .collect();
        let mut out = Map::new();
        out.insert("P2PResult".to_owned(), Value::Array(rows));
        Value::Object(out)
    }
}

/// One user's outcome. `NOT_ONLINE` is data, not an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct P2PResult {
    /// The receiver (`UserId`).
    pub user_id: i64,
    /// `SUCCESS` (received) or `NOT_ONLINE`; kept as sent (open string; `Code`).
    pub code: String,
    /// `Android`, `Web`, `IOS`, `Default`...; kept as sent (open string; `DevicePlatform`).
    pub device_platform: String,
}

/// Names of int64 fields in P2PSendMessage requests and results.
pub const INT64_FIELDS: [&str; 5] = [
    "Sender",
    "ConversationShortId",
    "ReceiverUserId",
    "IgnoreUserIds",
    "UserId",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::input::entries_from_json_text;

    #[test]
    fn json_text_round_trip_is_exact() {
        let text = br#"{"AppId":666675,"Sender":"9223372036854775807","ConversationShortId":7221856821303361536,"MsgType":10013,"Content":"{\"a\":1}","ReceiverUserId":[-9223372036854775808,"9007199254740993"],"IgnoreUserIds":[]}"#;
        let req =
            P2PSendMessageRequest::from_entries(&entries_from_json_text(text).unwrap()).unwrap();
        assert_eq!(
            String::from_utf8(req.to_json()).unwrap(),
            r#"{"AppId":666675,"Sender":9223372036854775807,"ConversationShortId":7221856821303361536,"MsgType":10013,"Content":"{\"a\":1}","ReceiverUserId":[-9223372036854775808,9007199254740993],"IgnoreUserIds":[]}"#
        );
    }

    #[test]
    fn missing_unknown_and_wrong_fields_are_named() {
        let e = |t: &str| {
            P2PSendMessageRequest::from_entries(&entries_from_json_text(t.as_bytes()).unwrap())
                .unwrap_err()
                .message
        };
        let ok = r#""AppId":1,"Sender":1,"ConversationShortId":1,"MsgType":1"#;
        assert!(e(&format!("{{{ok}}}")).starts_with("Content: is required"));
        assert!(e(&format!("{{{ok},\"Content\":{{}}}}"))
            .starts_with("Content: expected a string, got object"));
        assert!(e(&format!(
            "{{{ok},\"Content\":\"\",\"ReceiverUserIds\":[1]}}"
        ))
        .contains("body: unknown field \"ReceiverUserIds\""));
        assert!(e(r#"{"Content":"x"}"#).starts_with("AppId: is required"));
        assert!(e(&format!(
            "{{{ok},\"Content\":\"x\",\"ReceiverUserId\":\"1,2\"}}"
        ))
        .starts_with("ReceiverUserId: expected an array"));
    }

    #[test]
    fn from_value_reads_open_strings_and_exact_ids() {
        let read =
            |text: &str| P2PSendMessageResult::from_value(&serde_json::from_str(text).unwrap());
        let r = read(
            r#"{"P2PResult":[{"UserId":9223372036854775807,"Code":"Success","DevicePlatform":"Web","Extra":1}]}"#,
        )
        .unwrap();
        assert_eq!(
            r.p2p_result,
            [P2PResult {
                user_id: i64::MAX,
                code: "Success".into(),
                device_platform: "Web".into()
            }]
        );
        let r = read(r#"{"P2PResult":[{"UserId":1}]}"#).unwrap();
        assert_eq!(
            (
                r.p2p_result[0].code.as_str(),
                r.p2p_result[0].device_platform.as_str()
            ),
            ("", "")
        );
        assert_eq!(read("{}").unwrap().p2p_result, []);
        for bad in [
            r#"{"P2PResult":{}}"#,
            r#"{"P2PResult":[{"UserId":"1"}]}"#,
            r#"{"P2PResult":[{"UserId":1,"Code":5}]}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn to_value_writes_the_vendor_shape() {
        let r = P2PSendMessageResult {
            p2p_result: vec![P2PResult {
                user_id: i64::MAX,
                code: "SUCCESS".into(),
                device_platform: "Web".into(),
            }],
        };
        assert_eq!(
            r.to_value().to_string(),
            r#"{"P2PResult":[{"Code":"SUCCESS","DevicePlatform":"Web","UserId":9223372036854775807}]}"#
        );
        assert_eq!(P2PSendMessageResult::from_value(&r.to_value()).unwrap(), r);
    }

    /// Hardening finding 5: a Result of the wrong shape was reported with status 200 and 0
    /// attempts, whatever the call had seen.
    #[test]
    fn a_wrong_shaped_result_keeps_status_request_id_and_attempts() {
        let ok = crate::api::envelope::Success {
            metadata: crate::api::envelope::ResponseMetadata {
                request_id: "RID".into(),
                ..Default::default()
            },
            result: serde_json::json!({ "P2PResult": {} }),
            status: 203,
            attempts: 2,
        };
        let e = P2PSendMessageResult::from_success(&ok).unwrap_err();
        assert_eq!(
            (
                e.code.as_str(),
                e.status,
                e.attempts,
                e.request_id.as_deref(),
                e.action.as_deref()
            ),
            (
                "InvalidResponse",
                Some(203),
                2,
                Some("RID"),
                Some("P2PSendMessage")
            )
        );
    }
}
