//! # volc-im
//!
//! A client for Volcengine's IM OpenAPI — first of all `P2PSendMessage` — that runs natively
//! and, through WebAssembly, in every JavaScript runtime (browsers, Node, Workers).
//!
//! Data flows one way, one module per step:
//! options/body validated ([`api`]) → request built ([`client`]) → signed ([`sign`]) →
//! sent (`transport`, wasm only) → envelope parsed ([`api::envelope`]) → result or [`Error`].
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
pub mod error;
pub mod sign;

pub use error::{Error, ErrorCode};
pub mod client;
pub mod policy;
pub mod url;

#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub mod call;
#[cfg(target_arch = "wasm32")]
pub mod js;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub mod transport;

// Talc instead of std's dlmalloc: a few KB less `.wasm` and faster small allocations, which
// signing and JSON are made of (measured in docs/benchmarks.md).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
