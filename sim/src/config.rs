//! The simulator's configuration: credentials it accepts, the signing scope, and the apps with
//! their conversations and QPS limits. JSON, with a built-in default so that
//! `volc-im-sim` with no arguments serves the spec's example ids.
//!
//! Ids may be JSON integers or decimal strings: both are read int64-exactly (a config written by
//! JavaScript tooling has ids above 2^53 as strings).

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;

use crate::model::parse_int64;

/// The configuration used when `--config` is absent. The secrets are public test values.
pub const DEFAULT_CONFIG_JSON: &str = r#"{
  "credentials": [
    { "accessKeyId": "AKLTsimulator", "secretAccessKey": "c2ltdWxhdG9yLXNlY3JldC1rZXk=", "sessionToken": null },
    { "accessKeyId": "AKTPsimulator", "secretAccessKey": "c2ltdWxhdG9yLXN0cy1zZWNyZXQ=", "sessionToken": "STS2simulator-token" }
  ],
  "region": "cn-north-1",
  "service": "rtc",
  "apps": [
    { "AppId": 666675, "qps": 100,
      "conversations": [
        { "ConversationShortId": "7221856821303361536", "members": ["10001", "10002", "10003", "10008"] }
      ] }
  ]
}"#;

/// One accepted key pair. `Debug` shows the key id only: the secret and token never reach a
/// log line.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    /// The access key id (`AKLT…`, or `AKTP…` for a temporary one).
    pub access_key_id: String,
    /// The secret access key, used as the HMAC key as given.
    pub secret_access_key: String,
    /// The STS session token a temporary key must send as `X-Security-Token`.
    pub session_token: Option<String>,
    /// When set, the only actions this key may call; others get `LackPolicy`.
    pub allowed_actions: Option<Vec<String>>,
    /// When set, the only AppIds this key may use; others get `AccessDenied`.
    pub allowed_app_ids: Option<Vec<i32>>,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .field("allowed_actions", &self.allowed_actions)
            .field("allowed_app_ids", &self.allowed_app_ids)
            .finish()
    }
}

/// Which browser origins may call the simulator (CORS).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CorsOrigins {
    /// No `corsOrigins` setting: `http://127.0.0.1`, `http://localhost` and `http://[::1]`, any
    /// port. The real gateway's CORS behaviour is unknown, so nothing else is allowed by default.
    Loopback,
    /// Exactly these origins (`"*"` allows any); an empty list turns CORS off.
    List(Vec<String>),
}

impl CorsOrigins {
    /// Whether a request with this `Origin` may read the response.
    pub fn allows(&self, origin: &str) -> bool {
        match self {
            Self::Loopback => ["http://127.0.0.1", "http://localhost", "http://[::1]"]
                .iter()
                .any(|base| {
                    origin.strip_prefix(base).is_some_and(|rest| {
                        rest.is_empty()
                            || rest.strip_prefix(':').is_some_and(|port| {
                                !port.is_empty()
                                    && port.len() <= 5
                                    && port.bytes().all(|b| b.is_ascii_digit())
                            })
                    })
                }),
            Self::List(list) => list.iter().any(|o| o == "*" || o == origin),
        }
    }
}

/// A validated configuration.
#[derive(Clone, Debug)]
pub struct Config {
    /// Accepted credentials, looked up by access key id.
    pub credentials: Vec<Credential>,
    /// The signing region every request must use.
    pub region: String,
    /// The signing service every request must use.
    pub service: String,
    /// Apps by AppId.
    pub apps: HashMap<i32, App>,
    /// Browser origins allowed by CORS.
    pub cors_origins: CorsOrigins,
}

/// One app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct App {
    /// Its id.
    pub app_id: i32,
    /// Calls admitted per sliding second.
    pub qps: u32,
    /// Conversations by ConversationShortId.
    pub conversations: HashMap<i64, Conversation>,
    /// `"status": "disabled"` in the config: every call gets `AppStatusException`.
    pub disabled: bool,
    /// Senders refused with `NoAuth`.
    pub deny_senders: Vec<i64>,
}

/// One conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversation {
    /// Its id.
    pub id: i64,
    /// Member UserIds in configuration order (the default delivery order).
    pub members: Vec<i64>,
}

impl Conversation {
    /// Whether `user` is a member.
    pub fn has_member(&self, user: i64) -> bool {
        self.members.contains(&user)
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::from_json(DEFAULT_CONFIG_JSON).expect("the built-in configuration is valid")
    }
}

impl Config {
    /// Parses and validates a configuration; the error says what is wrong and where.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let raw: RawConfig = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut credentials: Vec<Credential> = Vec::with_capacity(raw.credentials.len());
        if raw.credentials.is_empty() {
            return Err("credentials: at least one is required".into());
        }
        for (i, c) in raw.credentials.into_iter().enumerate() {
            let at = format!("credentials[{i}]");
            if c.access_key_id.is_empty() || c.secret_access_key.is_empty() {
                return Err(format!(
                    "{at}: accessKeyId and secretAccessKey must be non-empty"
                ));
            }
            if c.session_token
                .as_deref()
                .is_some_and(|t| t.is_empty() || t.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)))
            {
                return Err(format!(
                    "{at}: sessionToken must be null or a non-empty single-line string"
                ));
            }
            if credentials
                .iter()
                .any(|o| o.access_key_id == c.access_key_id)
            {
                return Err(format!(
                    "{at}: accessKeyId {:?} is listed twice",
                    c.access_key_id
                ));
            }
            let allowed_app_ids = match c.allowed_app_ids {
                None => None,
                Some(ids) => Some(
                    ids.into_iter()
                        .map(|id| {
                            i32::try_from(id.0).map_err(|_| {
                                format!("{at}.allowedAppIds: {} is outside the int32 range", id.0)
                            })
                        })
                        .collect::<Result<Vec<i32>, String>>()?,
                ),
            };
            credentials.push(Credential {
                access_key_id: c.access_key_id,
                secret_access_key: c.secret_access_key,
                session_token: c.session_token,
                allowed_actions: c.allowed_actions,
                allowed_app_ids,
            });
        }
        for (name, v) in [("region", &raw.region), ("service", &raw.service)] {
            let ok = !v.is_empty()
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
            if !ok {
                return Err(format!("{name}: must be letters, digits, '-', '_' or '.'"));
            }
        }
        let mut apps = HashMap::with_capacity(raw.apps.len());
        for (i, a) in raw.apps.into_iter().enumerate() {
            let at = format!("apps[{i}]");
            let app_id = i32::try_from(a.app_id.0)
                .map_err(|_| format!("{at}.AppId: {} is outside the int32 range", a.app_id.0))?;
            if a.qps == 0 {
                return Err(format!("{at}.qps: must be at least 1"));
            }
            let mut conversations = HashMap::with_capacity(a.conversations.len());
            for (j, c) in a.conversations.into_iter().enumerate() {
                let at = format!("{at}.conversations[{j}]");
                let mut members = Vec::with_capacity(c.members.len());
                for m in c.members {
                    if members.contains(&m.0) {
                        return Err(format!("{at}.members: {} is listed twice", m.0));
                    }
                    members.push(m.0);
                }
                let conv = Conversation {
                    id: c.id.0,
                    members,
                };
                if conversations.insert(conv.id, conv).is_some() {
                    return Err(format!(
                        "{at}.ConversationShortId: {} is listed twice",
                        c.id.0
                    ));
                }
            }
            let disabled = match a.status.as_deref() {
                None | Some("enabled") => false,
                Some("disabled") => true,
                Some(other) => {
                    return Err(format!(
                        "{at}.status: {other:?} is not \"enabled\" or \"disabled\""
                    ))
                }
            };
            let app = App {
                app_id,
                qps: a.qps,
                conversations,
                disabled,
                deny_senders: a.deny_senders.into_iter().map(|s| s.0).collect(),
            };
            if apps.insert(app_id, app).is_some() {
                return Err(format!("{at}.AppId: {app_id} is listed twice"));
            }
        }
        Ok(Self {
            credentials,
            region: raw.region,
            service: raw.service,
            apps,
            cors_origins: raw
                .cors_origins
                .map_or(CorsOrigins::Loopback, CorsOrigins::List),
        })
    }

    /// The credentials of `access_key_id`.
    pub fn credential(&self, access_key_id: &str) -> Option<&Credential> {
        self.credentials
            .iter()
            .find(|c| c.access_key_id == access_key_id)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    credentials: Vec<RawCredential>,
    region: String,
    service: String,
    #[serde(default)]
    apps: Vec<RawApp>,
    #[serde(rename = "corsOrigins", default)]
    cors_origins: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawCredential {
    access_key_id: String,
    secret_access_key: String,
    #[serde(default)]
    session_token: Option<String>,
    #[serde(default)]
    allowed_actions: Option<Vec<String>>,
    #[serde(default)]
    allowed_app_ids: Option<Vec<Id>>,
}

fn default_qps() -> u32 {
    100
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApp {
    #[serde(rename = "AppId")]
    app_id: Id,
    #[serde(default = "default_qps")]
    qps: u32,
    #[serde(default)]
    conversations: Vec<RawConversation>,
    #[serde(default)]
    status: Option<String>,
    #[serde(rename = "denySenders", default)]
    deny_senders: Vec<Id>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConversation {
    #[serde(rename = "ConversationShortId")]
    id: Id,
    #[serde(default)]
    members: Vec<Id>,
}

/// An int64 given as a JSON integer or a decimal string.
struct Id(i64);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an int64 id as a JSON integer or a decimal string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Id, E> {
                Ok(Id(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Id, E> {
                i64::try_from(v)
                    .map(Id)
                    .map_err(|_| E::custom(format!("{v} is outside the int64 range")))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                parse_int64(v)
                    .map(Id)
                    .ok_or_else(|| E::custom(format!("{v:?} is not a decimal int64")))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_the_documented_one() {
        let c = Config::default();
        assert_eq!(
            (c.region.as_str(), c.service.as_str()),
            ("cn-north-1", "rtc")
        );
        let ak = c.credential("AKLTsimulator").unwrap();
        assert_eq!(ak.secret_access_key, "c2ltdWxhdG9yLXNlY3JldC1rZXk=");
        assert_eq!(ak.session_token, None);
        let sts = c.credential("AKTPsimulator").unwrap();
        assert_eq!(sts.session_token.as_deref(), Some("STS2simulator-token"));
        let app = &c.apps[&666675];
        assert_eq!(app.qps, 100);
        assert_eq!(
            app.conversations[&7221856821303361536].members,
            [10001, 10002, 10003, 10008]
        );
    }

    #[test]
    fn ids_numbers_or_strings_exact_and_defaults() {
        let c = Config::from_json(
            r#"{"credentials":[{"accessKeyId":"A","secretAccessKey":"S"}],"region":"r","service":"s",
                "apps":[{"AppId":"7","conversations":[{"ConversationShortId":9223372036854775807,
                "members":["9007199254740993",9007199254740995]}]}]}"#,
        )
        .unwrap();
        let app = &c.apps[&7];
        assert_eq!(app.qps, 100);
        assert_eq!(
            app.conversations[&i64::MAX].members,
            [9007199254740993, 9007199254740995]
        );
        assert_eq!(c.credentials[0].session_token, None);
    }

    #[test]
    fn bad_configs_are_explained() {
        let base = r#""region":"r","service":"s""#;
        for (text, needle) in [
            (format!(r#"{{"credentials":[],{base}}}"#), "at least one"),
            (
                format!(
                    r#"{{"credentials":[{{"accessKeyId":"A","secretAccessKey":"S","x":1}}],{base}}}"#
                ),
                "unknown field",
            ),
            (
                format!(
                    r#"{{"credentials":[{{"accessKeyId":"A","secretAccessKey":"S"}}],{base},"apps":[{{"AppId":"1.5"}}]}}"#
                ),
                "not a decimal int64",
            ),
            (
                format!(
                    r#"{{"credentials":[{{"accessKeyId":"A","secretAccessKey":"S"}}],{base},"apps":[{{"AppId":4294967296}}]}}"#
                ),
                "int32",
            ),
            (
                format!(
                    r#"{{"credentials":[{{"accessKeyId":"A","secretAccessKey":"S"}}],{base},"apps":[{{"AppId":1,"qps":0}}]}}"#
                ),
                "qps",
            ),
            (
                format!(
                    r#"{{"credentials":[{{"accessKeyId":"A","secretAccessKey":"S"}},{{"accessKeyId":"A","secretAccessKey":"T"}}],{base}}}"#
                ),
                "twice",
            ),
        ] {
            let e = Config::from_json(&text).unwrap_err();
            assert!(e.contains(needle), "{text}: {e}");
        }
    }
}
