//! The vendor's data model: request validation, int64 rules, the response envelope, and the
//! one table of error codes with the error type. Serde and plain Rust only — no wasm, no I/O;
//! it builds on `sign` and nothing above it.

pub mod envelope;
pub mod error;
pub mod input;
pub mod int64;
pub mod p2p;

/// The API version every IM action uses.
pub const IM_VERSION: &str = "2020-12-01";
/// The signing service name of the IM OpenAPI.
pub const IM_SERVICE: &str = "rtc";
