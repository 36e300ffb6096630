//! Property tests of the two parsers that read bytes from outside: the JSON-text body parser
//! (what a relay or a user hands `p2pSendMessage` as text) and the response envelope decoder
//! (what a server sends). Neither may panic on any input; what they accept must round-trip
//! exactly, int64 ids included. (cargo fuzz needs nightly, which this machine does not have.)
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use volc_im::api::envelope::decode;
use volc_im::api::input::{entries_from_json_text, Input};
use volc_im::api::p2p::P2PSendMessageRequest;
use volc_im::ErrorCode;

fn request() -> impl Strategy<Value = P2PSendMessageRequest> {
    (
        any::<i32>(),
        any::<i64>(),
        any::<i64>(),
        any::<i32>(),
        ".{0,40}",
        proptest::option::of(proptest::collection::btree_set(any::<i64>(), 0..5)),
        proptest::option::of(proptest::collection::btree_set(any::<i64>(), 0..5)),
    )
        .prop_map(
            |(app, sender, conv, msg_type, content, to, ignore)| P2PSendMessageRequest {
                app_id: app,
                sender,
                conversation_short_id: conv,
                msg_type,
                content,
                receiver_user_id: to.map(|s| s.into_iter().collect()),
                ignore_user_ids: ignore.map(|s| s.into_iter().collect()),
            },
        )
}

/// Text that looks like JSON often enough to reach deep into the parser.
fn jsonish() -> impl Strategy<Value = String> {
    prop_oneof![
        ".*",
        r#"\{("[A-Za-z]{1,8}":(-?[0-9]{1,25}(\.[0-9]{1,3})?([eE][+-]?[0-9]{1,3})?|"[^"\\]{0,5}"|null|true|\[[0-9,]{0,12}\]),?){0,6}\}"#,
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Any text: a result or an error, never a panic; an accepted object has unique keys.
    #[test]
    fn json_text_never_panics(text in jsonish()) {
        if let Ok(entries) = entries_from_json_text(text.as_bytes()) {
            let mut keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            let n = keys.len();
            keys.dedup();
            prop_assert_eq!(keys.len(), n, "duplicate keys accepted");
            let _ = P2PSendMessageRequest::from_entries(&entries);
        }
    }

    /// A valid request written as JSON text reads back identical, ids exact.
    #[test]
    fn json_text_round_trips_exactly(req in request()) {
        let text = req.to_json();
        let entries = entries_from_json_text(&text).unwrap();
        prop_assert_eq!(P2PSendMessageRequest::from_entries(&entries).unwrap(), req);
    }

    /// An id written with a fraction or exponent is refused, whatever its value.
    #[test]
    fn non_integer_literals_are_refused(req in request(), exp in 0u32..3) {
        let text = String::from_utf8(req.to_json()).unwrap();
        let sender = format!("\"Sender\":{}", req.sender);
        let written = if exp == 0 { format!("{}.0", req.sender) } else { format!("{}e0", req.sender) };
        let bad = text.replacen(&sender, &format!("\"Sender\":{written}"), 1);
        let entries = entries_from_json_text(bad.as_bytes()).unwrap();
        prop_assert!(P2PSendMessageRequest::from_entries(&entries).is_err());
    }

    /// Any status and bytes: a success or a typed error, never a panic; a 429 is retryable.
    #[test]
    fn envelope_never_panics(status in 100u16..600, body in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Err(e) = decode("P2PSendMessage", status, &body) {
            prop_assert_eq!(e.status, Some(status));
            if status == 429 && e.code == ErrorCode::InvalidResponse {
                prop_assert!(e.retryable);
            }
        }
    }

    /// Well-formed envelopes: `Error` decides failure, whatever the status (200 included), and
    /// its Code, CodeN and RequestId come through exactly; without `Error` a 2xx succeeds.
    #[test]
    fn envelopes_decode_exactly(
        status in prop_oneof![Just(200u16), 201u16..600],
        id in "[0-9A-F]{0,34}",
        code in proptest::option::of("[A-Za-z]{1,30}"),
        code_n in any::<i64>(),
        user in any::<i64>(),
    ) {
        let error = code.as_ref().map_or(String::new(), |c| {
            format!(r#","Error":{{"Code":"{c}","CodeN":{code_n},"Message":"m"}}"#)
        });
        let body = format!(
            r#"{{"ResponseMetadata":{{"RequestId":"{id}","Action":"P2PSendMessage","Version":"2020-12-01"{error}}},"Result":{{"P2PResult":[{{"UserId":{user},"Code":"SUCCESS","DevicePlatform":"Web"}}]}}}}"#
        );
        match (decode("P2PSendMessage", status, body.as_bytes()), code) {
            (Err(e), Some(c)) => {
                prop_assert_eq!(e.code.as_str(), c.as_str());
                prop_assert_eq!(e.code_n, Some(code_n));
                prop_assert_eq!(e.request_id.as_deref(), Some(id.as_str()).filter(|i| !i.is_empty()));
                prop_assert_eq!(e.status, Some(status));
            }
            (Ok(ok), None) => {
                prop_assert!((200..300).contains(&status));
                prop_assert_eq!(ok.metadata.request_id, id);
                prop_assert_eq!(ok.result["P2PResult"][0]["UserId"].as_i64(), Some(user));
            }
            (Err(e), None) => prop_assert!(!(200..300).contains(&status), "{e:?}"),
            (Ok(_), Some(_)) => prop_assert!(false, "an Error envelope decoded as success"),
        }
    }
}

#[test]
fn input_from_json_keeps_int64_exact() {
    let e =
        entries_from_json_text(br#"{"a":9223372036854775807,"b":-9223372036854775808}"#).unwrap();
    assert_eq!(e[0].1, Input::ExactInt(i64::MAX));
    assert_eq!(e[1].1, Input::ExactInt(i64::MIN));
}
