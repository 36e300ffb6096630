//! # volc-im
//!
//! A client for Volcengine's IM OpenAPI — first of all `P2PSendMessage` — that runs natively
//! and, through WebAssembly, in every JavaScript runtime (browsers, Node, Workers).
//!
//! Layers, each importing only those below it (docs/architecture.md):
//! [`sign`] (pure signer) < [`api`] (the vendor's models, envelope, error codes) < [`client`]
//! (options, policy, the call loop over runtime traits) < `wasm` (the JS API) | `native`
//! (an HTTP client). One call: options/body validated → request built and signed → sent →
//! envelope parsed → result or [`Error`].
//!
//! ```
//! use volc_im::sign::{sign, Credentials, Scope, SignableRequest, SigningTime};
//!
//! let creds = Credentials {
//!     access_key_id: "AKLTexample".into(),
//!     secret_access_key: "secret".into(),
//!     session_token: None,
//! };
//! let body = br#"{"AppId":666675}"#;
//! let out = sign(
//!     &SignableRequest {
//!         method: "POST",
//!         host: "rtc.volcengineapi.com",
//!         path: "/",
//!         query: &[("Action", "P2PSendMessage"), ("Version", "2020-12-01")],
//!         headers: &[("Content-Type", "application/json")],
//!         body,
//!     },
//!     &creds,
//!     Scope { region: "cn-north-1", service: "rtc" },
//!     SigningTime::from_unix_seconds(1_717_756_424),
//! )
//! .unwrap();
//! assert_eq!(out.x_date, "20240607T103344Z");
//! assert!(out.authorization.starts_with("HMAC-SHA256 Credential=AKLTexample/20240607/"));
//! ```
#![warn(missing_docs)]
// `Error` is a flat struct of everything the vendor said (~128 bytes); failures are rare, and
// boxing it would make every error site noisier for no measurable gain.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod client;
/// The signer: the bottom layer, its own crate (`sign/`) so it can be optimised for speed.
pub use volc_im_sign as sign;

pub use api::error::{Error, ErrorCode};

/// The JavaScript API (`ImClient`, `signRequest`, `VolcError`): the only code that touches JS
/// or names its binding crates.
#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The native sender: the same call loop over an HTTP client and tokio time.
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
pub use client::QpsLimiter;
#[cfg(not(target_arch = "wasm32"))]
pub use native::{Client, Config};
