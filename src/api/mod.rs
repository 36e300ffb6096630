//! The vendor's data model: request validation, int64 rules, the response envelope.
//! Serde and plain Rust only — no wasm, no I/O — so it is shared with the simulator.

pub mod envelope;
pub mod input;
pub mod int64;
pub mod p2p;

/// The API version every IM action uses.
pub const IM_VERSION: &str = "2020-12-01";
/// The signing service name of the IM OpenAPI.
pub const IM_SERVICE: &str = "rtc";
