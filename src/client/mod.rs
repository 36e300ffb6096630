//! The runtime-agnostic client: validated options ([`options`]), the reliability rules
//! ([`policy`]), the call loop over small runtime traits ([`call`]), and `signRequest`'s
//! adapter ([`sign_request`]). Nothing here names a runtime: `wasm` and `native` plug in.

pub mod call;
pub mod options;
pub mod policy;
pub mod sign_request;

pub use call::{Event, Failure, QpsLimiter, Reply, Session};
pub use options::{CallOptions, ClientConfig, Int64Mode, PreparedRequest};
