//! The native sender: the same call loop as every JS runtime (`client::call`), over `reqwest`
//! (rustls) and tokio time. No official Volcengine SDK has P2PSendMessage in any language; a
//! Rust service gets it here.
//!
//! ```no_run
//! # async fn run() -> Result<(), volc_im::Error> {
//! use volc_im::api::p2p::P2PSendMessageRequest;
//! let client = volc_im::Client::new(volc_im::Config {
//!     endpoint: Some("http://127.0.0.1:8780".into()), // the local simulator
//!     ..volc_im::Config::new("AKLTsimulator", "c2ltdWxhdG9yLXNlY3JldC1rZXk=")
//! })?;
//! let sent = client
//!     .p2p_send_message(&P2PSendMessageRequest {
//!         app_id: 666675,
//!         sender: 10008,
//!         conversation_short_id: 7221856821303361536,
//!         msg_type: 10013,
//!         content: r#"{"type":1000}"#.into(),
//!         receiver_user_id: None,
//!         ignore_user_ids: None,
//!     })
//!     .await?;
//! for row in &sent.result.p2p_result {
//!     println!("{} {} {}", row.user_id, row.code, row.device_platform);
//! }
//! # Ok(()) }
//! ```

mod transport;

use crate::api::envelope::{ResponseMetadata, Success};
use crate::api::input::{Entries, Input};
use crate::api::p2p::{self, P2PSendMessageRequest, P2PSendMessageResult};
use crate::client::{ClientConfig, QpsLimiter, Session};
use crate::Error;
use transport::NativeRuntime;

/// Options of a native [`Client`], with the same names, defaults and checks as the JS
/// `ImClient` options (`client::options::CLIENT_OPTIONS`). `None` takes the default.
#[derive(Clone, Default)]
pub struct Config {
    /// `accessKeyId`.
    pub access_key_id: String,
    /// `secretAccessKey`; never printed.
    pub secret_access_key: String,
    /// `sessionToken` (STS).
    pub session_token: Option<String>,
    /// `region`, default `cn-north-1`.
    pub region: Option<String>,
    /// `endpoint`, default: the region's IM endpoint.
    pub endpoint: Option<String>,
    /// `signingRegion`, default: `region`.
    pub signing_region: Option<String>,
    /// `timeoutMs`, per attempt, default 10000.
    pub timeout_ms: Option<u32>,
    /// `deadlineMs`, over all attempts, default none.
    pub deadline_ms: Option<u32>,
    /// `qps`, client-side limit, default 100 (0 = off).
    pub qps: Option<f64>,
    /// `retries` of failures that certainly were not processed, default 2.
    pub retries: Option<u32>,
    /// `retryUnsafe`, default false.
    pub retry_unsafe: Option<bool>,
    /// `maxResponseBytes`, default 1 MiB.
    pub max_response_bytes: Option<u32>,
    /// `limiter`: a limit shared with other clients of this process, instead of `qps`.
    pub limiter: Option<QpsLimiter>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"** REDACTED **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** REDACTED **"),
            )
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A config with this key pair and every default.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: secret_access_key.into(),
            ..Self::default()
        }
    }

    /// As the option entries the JS client validates: one set of checks for both.
    fn entries(&self) -> Entries {
        let mut e: Entries = vec![
            ("accessKeyId".into(), Input::Str(self.access_key_id.clone())),
            (
                "secretAccessKey".into(),
                Input::Str(self.secret_access_key.clone()),
            ),
        ];
        let mut put = |k: &str, v: Option<Input>| {
            if let Some(v) = v {
                e.push((k.into(), v));
            }
        };
        put("sessionToken", self.session_token.clone().map(Input::Str));
        put("region", self.region.clone().map(Input::Str));
        put("endpoint", self.endpoint.clone().map(Input::Str));
        put("signingRegion", self.signing_region.clone().map(Input::Str));
        put(
            "timeoutMs",
            self.timeout_ms.map(|v| Input::Number(v.into())),
        );
        put(
            "deadlineMs",
            self.deadline_ms.map(|v| Input::Number(v.into())),
        );
        put("qps", self.qps.map(Input::Number));
        put("retries", self.retries.map(|v| Input::Number(v.into())));
        put("retryUnsafe", self.retry_unsafe.map(Input::Bool));
        put(
            "maxResponseBytes",
            self.max_response_bytes.map(|v| Input::Number(v.into())),
        );
        e
    }
}

/// A P2PSendMessage answer: the metadata and the per-user result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct P2PSendMessageResponse {
    /// `ResponseMetadata` (RequestId, Action, …).
    pub metadata: ResponseMetadata,
    /// `Result`.
    pub result: P2PSendMessageResult,
}

/// A client for the IM OpenAPI over HTTPS. Cheap to share (`&Client` across tasks); its QPS
/// limiter and clock offset are per client.
pub struct Client {
    session: Session,
    runtime: NativeRuntime,
}

impl Client {
    /// Validates `config` (the same checks and messages as the JS `ImClient`).
    pub fn new(config: Config) -> Result<Self, Error> {
        let config = ClientConfig::from_entries(&config.entries())?;
        Ok(Self {
            runtime: NativeRuntime::new()?,
            session: Session::new(config),
        })
    }

    /// `P2PSendMessage`: a pass-through message to the online members of a conversation.
    pub async fn p2p_send_message(
        &self,
        req: &P2PSendMessageRequest,
    ) -> Result<P2PSendMessageResponse, Error> {
        let ok = self
            .call(p2p::ACTION, crate::api::IM_VERSION, req.to_json())
            .await?;
        let result = P2PSendMessageResult::from_success(&ok)?;
        Ok(P2PSendMessageResponse {
            metadata: ok.metadata,
            result,
        })
    }

    /// Any IM action with a JSON body; `Result` comes back as JSON.
    pub async fn call(&self, action: &str, version: &str, body: Vec<u8>) -> Result<Success, Error> {
        self.session
            .execute(&self.runtime, action, version, body)
            .await
            .map_err(|f| f.error)
    }
}
