//! One error type for every failure: client-side (`InvalidArgument`, `Timeout`, ...) or the
//! vendor's own `Code`, with `CodeN`, `RequestId`, HTTP status and whether a retry is safe.
//!
//! It never holds a secret: messages are written from field names and offending *inputs*, and
//! credentials are never among the inputs quoted.

use std::fmt;

/// What kind of failure this is. Vendor codes pass through unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The caller passed something that cannot be sent; nothing was sent.
    InvalidArgument,
    /// The per-attempt timeout fired.
    Timeout,
    /// The caller's `AbortSignal` fired.
    Aborted,
    /// `fetch` failed: no HTTP response was received.
    NetworkError,
    /// A reply that is not a Volcengine envelope (HTML, empty, malformed JSON, no `Result`).
    InvalidResponse,
    /// The `credentials` function threw or rejected.
    CredentialsError,
    /// `ResponseMetadata.Error.Code` as the server sent it, e.g. `SignatureDoesNotMatch`.
    Vendor(String),
}

impl ErrorCode {
    /// The code as a string, as JavaScript sees it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidArgument => "InvalidArgument",
            Self::Timeout => "Timeout",
            Self::Aborted => "Aborted",
            Self::NetworkError => "NetworkError",
            Self::InvalidResponse => "InvalidResponse",
            Self::CredentialsError => "CredentialsError",
            Self::Vendor(code) => code,
        }
    }
}

/// One of the vendor's error codes (docs/spec/signing.md "Common error codes", and the IM
/// service codes of docs/spec/P2PSendMessage.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VendorCode {
    /// `ResponseMetadata.Error.Code`.
    pub code: &'static str,
    /// `CodeN` as documented (`None`: the vendor documents none).
    pub code_n: Option<i64>,
    /// The request certainly was not processed, so a retry cannot deliver a message twice.
    pub retryable: bool,
    /// An IM service code rather than a common gateway code.
    pub im: bool,
}

const fn common(code: &'static str, code_n: i64, retryable: bool) -> VendorCode {
    VendorCode {
        code,
        code_n: Some(code_n),
        retryable,
        im: false,
    }
}

const fn im(code: &'static str) -> VendorCode {
    VendorCode {
        code,
        code_n: None,
        retryable: false,
        im: true,
    }
}

/// Every vendor code this client knows: the one table the retry rule reads, and that the
/// types (`index.d.ts`), the README and the simulator are checked against
/// (`scripts/check-codes.mjs`). Codes not listed pass through unchanged and are not retried.
pub const VENDOR_CODES: [VendorCode; 24] = [
    common("MissingParameter", 100002, false),
    common("MissingAuthenticationToken", 100003, false),
    common("MissingRequestInfo", 100004, false),
    common("MissingSignature", 100005, false),
    common("InvalidTimestamp", 100006, false),
    common("ServiceNotFound", 100007, false),
    common("InvalidActionOrVersion", 100008, false),
    common("InvalidAccessKey", 100009, false),
    common("SignatureDoesNotMatch", 100010, false),
    common("LackPolicy", 100012, false),
    common("AccessDenied", 100013, false),
    common("InternalError", 100014, false),
    // The gateway could not reach the service: the request never got there.
    common("FailToConnect", 100015, true),
    // The service may have acted before the gateway gave up: not safe.
    common("InternalServiceTimeout", 100016, false),
    // Throttled before processing.
    common("FlowLimitExceeded", 100018, true),
    common("ServiceUnavailableTemp", 100019, true),
    VendorCode {
        code: "InvalidSecretToken",
        code_n: None,
        retryable: false,
        im: false,
    },
    im("JsonParsingError"),
    im("InvalidParam"),
    im("AppNotFound"),
    im("ConversationNotFound"),
    im("ParticipantNotInConversation"),
    im("AppStatusException"),
    im("NoAuth"),
];

/// The table's entry for `code`, compared case-insensitively (the vendor's own pages are not
/// consistent about case).
pub fn vendor_code(code: &str) -> Option<&'static VendorCode> {
    VENDOR_CODES
        .iter()
        .find(|c| c.code.eq_ignore_ascii_case(code))
}

/// Connection failures (by the runtime's error code) that happen before any byte of the
/// request is sent — refused, no DNS answer, connect timeout — so a retry cannot duplicate.
pub fn failed_before_sending(code: &str) -> bool {
    matches!(
        code,
        "ECONNREFUSED"
            | "ConnectionRefused"
            | "ENOTFOUND"
            | "EAI_AGAIN"
            | "UND_ERR_CONNECT_TIMEOUT"
    )
}

/// A failure, with everything the vendor told us about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The code; see [`ErrorCode`].
    pub code: ErrorCode,
    /// What happened and, for `InvalidArgument`, which field and how to fix it.
    pub message: String,
    /// `ResponseMetadata.Error.CodeN`, when the server sent one.
    pub code_n: Option<i64>,
    /// `ResponseMetadata.RequestId`, when the server sent one.
    pub request_id: Option<String>,
    /// The HTTP status, when a response arrived.
    pub status: Option<u16>,
    /// The OpenAPI action, e.g. `P2PSendMessage`.
    pub action: Option<String>,
    /// Whether the request certainly was not processed, so retrying it is safe.
    pub retryable: bool,
    /// How many HTTP attempts were made (0: nothing was sent).
    pub attempts: u32,
}

impl Error {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            code_n: None,
            request_id: None,
            status: None,
            action: None,
            retryable: false,
            attempts: 0,
        }
    }

    /// A bad input; `message` names the field and says what to pass instead.
    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidArgument, message)
    }

    /// A reply we cannot read as an envelope.
    pub fn invalid_response(status: u16, message: impl Into<String>) -> Self {
        Self {
            status: Some(status),
            ..Self::new(ErrorCode::InvalidResponse, message)
        }
    }

    /// The per-attempt timeout fired after `ms` milliseconds.
    pub fn timeout(ms: u32) -> Self {
        let mut m = String::from("no response within timeoutMs = ");
        m.push_str(&ms.to_string());
        m.push_str(" ms");
        Self::new(ErrorCode::Timeout, m)
    }

    /// The caller aborted the call.
    pub fn aborted() -> Self {
        Self::new(ErrorCode::Aborted, "the call was aborted by its signal")
    }

    /// `fetch` rejected; `detail` is the runtime's own message.
    pub fn network(detail: &str) -> Self {
        Self::new(
            ErrorCode::NetworkError,
            ["network error: ", detail].concat(),
        )
    }

    /// `fetch` of `url` rejected: names the host and the runtime's error `code` (e.g.
    /// `ECONNREFUSED`), never the query; `detail` is the runtime's message.
    pub fn network_to(url: &str, code: Option<&str>, detail: &str) -> Self {
        let after_scheme = url.find("://").map_or(url, |i| &url[i + 3..]);
        let host = after_scheme
            .split(['/', '?', '#'])
            .next()
            .unwrap_or_default();
        // Some runtimes quote the URL they fetched (Deno); its query is not for messages.
        let detail = match url.find('?') {
            Some(i) => detail.replace(&url[i..], ""),
            None => detail.to_owned(),
        };
        let mut m = ["network error reaching ", host].concat();
        if let Some(code) = code {
            m.push_str(": ");
            m.push_str(code);
        }
        m.push_str(" (");
        m.push_str(&detail);
        m.push(')');
        if code.is_some_and(failed_before_sending) {
            m.push_str("; nothing was sent: check endpoint and that the server is up");
        }
        Self::new(ErrorCode::NetworkError, m)
    }

    /// The vendor's `ResponseMetadata.Error`.
    pub fn vendor(code: &str, code_n: Option<i64>, message: &str) -> Self {
        Self {
            retryable: vendor_code(code).is_some_and(|c| c.retryable),
            code_n,
            ..Self::new(ErrorCode::Vendor(code.to_owned()), message)
        }
    }

    /// Attaches the action the error belongs to.
    pub fn with_action(mut self, action: &str) -> Self {
        self.action = Some(action.to_owned());
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())?;
        f.write_str(": ")?;
        f.write_str(&self.message)?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status}")?;
            if let Some(id) = &self.request_id {
                write!(f, ", RequestId {id}")?;
            }
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<crate::sign::SignError> for Error {
    fn from(e: crate::sign::SignError) -> Self {
        Self::invalid_argument(e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_not_processed_vendor_codes_are_retryable() {
        assert!(Error::vendor("FlowLimitExceeded", Some(100018), "x").retryable);
        assert!(Error::vendor("ServiceUnavailableTemp", None, "x").retryable);
        assert!(Error::vendor("flowlimitexceeded", None, "x").retryable);
        assert!(!Error::vendor("InternalServiceTimeout", None, "x").retryable);
        assert!(!Error::vendor("SignatureDoesNotMatch", Some(100010), "x").retryable);
        assert!(!Error::timeout(10).retryable);
    }

    #[test]
    fn network_errors_name_host_and_code_never_the_query() {
        let e = Error::network_to(
            "http://127.0.0.1:1/?Action=P2PSendMessage&Version=2020-12-01",
            Some("ECONNREFUSED"),
            "error sending request for url (http://127.0.0.1:1/?Action=P2PSendMessage&Version=2020-12-01)",
        );
        assert_eq!(
            e.message,
            "network error reaching 127.0.0.1:1: ECONNREFUSED (error sending request for url \
             (http://127.0.0.1:1/)); nothing was sent: check endpoint and that the server is up"
        );
        let e = Error::network_to("https://h.example/?A=1", None, "fetch failed");
        assert_eq!(e.message, "network error reaching h.example (fetch failed)");
        let e = Error::network_to(
            "https://h.example/p",
            Some("ECONNRESET"),
            "other side closed",
        );
        assert_eq!(
            e.message,
            "network error reaching h.example: ECONNRESET (other side closed)"
        );
    }

    #[test]
    fn display_has_code_status_and_request_id() {
        let mut e = Error::vendor("SignatureDoesNotMatch", Some(100010), "bad sig");
        e.status = Some(401);
        e.request_id = Some("RID".into());
        assert_eq!(
            e.to_string(),
            "SignatureDoesNotMatch: bad sig (HTTP 401, RequestId RID)"
        );
    }
}
