//! The error codes the simulator answers with: the vendor's common codes (docs/spec/signing.md,
//! "Common error codes") and the IM service codes, each with its HTTP status and `CodeN`.
//!
//! The IM service codes have no documented `CodeN` or status, and FailToConnect /
//! InternalServiceTimeout have only "5xx": those values are the simulator's own choice (fixed
//! `CodeN` in the 2000xx range, never 0, which clients must not read as success either way), and
//! docs/simulator.md says so. [`ALL`] lists every kind once, for the tests and the docs.

/// One kind of error: `Code`, `CodeN` (absent for `InvalidSecretToken`) and HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kind {
    /// `ResponseMetadata.Error.Code`.
    pub code: &'static str,
    /// `ResponseMetadata.Error.CodeN`.
    pub code_n: Option<i64>,
    /// The HTTP status.
    pub status: u16,
}

const fn kind(code: &'static str, code_n: i64, status: u16) -> Kind {
    Kind {
        code,
        code_n: Some(code_n),
        status,
    }
}

/// Action or Version missing from the query.
pub const MISSING_PARAMETER: Kind = kind("MissingParameter", 100002, 400);
/// No `Authorization` header.
pub const MISSING_AUTHENTICATION_TOKEN: Kind = kind("MissingAuthenticationToken", 100003, 401);
/// `Authorization` malformed, `X-Date` missing or unreadable, `SignedHeaders` without x-date.
pub const MISSING_REQUEST_INFO: Kind = kind("MissingRequestInfo", 100004, 400);
/// `Authorization` without a `Signature`.
pub const MISSING_SIGNATURE: Kind = kind("MissingSignature", 100005, 401);
/// `X-Date` outside ±15 min of the server clock, or the scope date is not X-Date's date.
pub const INVALID_TIMESTAMP: Kind = kind("InvalidTimestamp", 100006, 400);
/// The scope names another service.
pub const SERVICE_NOT_FOUND: Kind = kind("ServiceNotFound", 100007, 404);
/// Unknown action, version or path.
pub const INVALID_ACTION_OR_VERSION: Kind = kind("InvalidActionOrVersion", 100008, 404);
/// Unknown access key id.
pub const INVALID_ACCESS_KEY: Kind = kind("InvalidAccessKey", 100009, 401);
/// Wrong signature, body hash or region.
pub const SIGNATURE_DOES_NOT_MATCH: Kind = kind("SignatureDoesNotMatch", 100010, 401);
/// The credential's `allowedActions` does not include the action.
pub const LACK_POLICY: Kind = kind("LackPolicy", 100012, 403);
/// The credential's `allowedAppIds` does not include the AppId.
pub const ACCESS_DENIED: Kind = kind("AccessDenied", 100013, 403);
/// Injected fault `failToConnect` (the gateway could not reach the service; 502 is our choice).
pub const FAIL_TO_CONNECT: Kind = kind("FailToConnect", 100015, 502);
/// Injected fault `internalServiceTimeout` (504 is our choice).
pub const INTERNAL_SERVICE_TIMEOUT: Kind = kind("InternalServiceTimeout", 100016, 504);
/// Injected fault `status500`.
pub const INTERNAL_ERROR: Kind = kind("InternalError", 100014, 500);
/// Over the app's QPS (or injected fault `throttle`).
pub const FLOW_LIMIT_EXCEEDED: Kind = kind("FlowLimitExceeded", 100018, 429);
/// Injected fault `status503`.
pub const SERVICE_UNAVAILABLE_TEMP: Kind = kind("ServiceUnavailableTemp", 100019, 503);
/// STS token missing, wrong, or sent with a permanent key. The vendor sends no `CodeN` here.
pub const INVALID_SECRET_TOKEN: Kind = Kind {
    code: "InvalidSecretToken",
    code_n: None,
    status: 401,
};
/// The body is not JSON, or not a JSON object.
pub const JSON_PARSING_ERROR: Kind = kind("JsonParsingError", 200001, 400);
/// A field is missing or has the wrong type.
pub const INVALID_PARAM: Kind = kind("InvalidParam", 200002, 400);
/// `AppId` is not configured.
pub const APP_NOT_FOUND: Kind = kind("AppNotFound", 200003, 404);
/// The conversation is not in the app.
pub const CONVERSATION_NOT_FOUND: Kind = kind("ConversationNotFound", 200004, 404);
/// The sender is not a member of the conversation.
pub const PARTICIPANT_NOT_IN_CONVERSATION: Kind = kind("ParticipantNotInConversation", 200005, 403);
/// The app is configured `"status": "disabled"`.
pub const APP_STATUS_EXCEPTION: Kind = kind("AppStatusException", 200006, 403);
/// The sender is in the app's `denySenders`.
pub const NO_AUTH: Kind = kind("NoAuth", 200007, 403);

/// Every kind the simulator can answer with, common codes first.
pub const ALL: [Kind; 24] = [
    MISSING_PARAMETER,
    MISSING_AUTHENTICATION_TOKEN,
    MISSING_REQUEST_INFO,
    MISSING_SIGNATURE,
    INVALID_TIMESTAMP,
    SERVICE_NOT_FOUND,
    INVALID_ACTION_OR_VERSION,
    INVALID_ACCESS_KEY,
    SIGNATURE_DOES_NOT_MATCH,
    LACK_POLICY,
    ACCESS_DENIED,
    INTERNAL_ERROR,
    FAIL_TO_CONNECT,
    INTERNAL_SERVICE_TIMEOUT,
    FLOW_LIMIT_EXCEEDED,
    SERVICE_UNAVAILABLE_TEMP,
    INVALID_SECRET_TOKEN,
    JSON_PARSING_ERROR,
    INVALID_PARAM,
    APP_NOT_FOUND,
    CONVERSATION_NOT_FOUND,
    PARTICIPANT_NOT_IN_CONVERSATION,
    APP_STATUS_EXCEPTION,
    NO_AUTH,
];

/// An error response to send: its kind, a message, and `Retry-After` for throttling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// Code, CodeN, status.
    pub kind: Kind,
    /// `ResponseMetadata.Error.Message`; never holds a secret.
    pub message: String,
    /// Seconds for the `Retry-After` header.
    pub retry_after: Option<u64>,
}

impl Kind {
    /// This kind of error with `message`.
    pub fn with(self, message: impl Into<String>) -> ApiError {
        ApiError {
            kind: self,
            message: message.into(),
            retry_after: None,
        }
    }
}
