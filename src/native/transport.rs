//! The native runtime of the call loop: `reqwest` for the network, tokio for time, `fastrand`
//! for jitter. Fixed credentials only, no abort signal (drop the future to cancel).

use crate::client::call::{
    Clock, CredentialsSource, Event, Failure, Observer, ProviderWait, Random, Reply, Transport,
};
use crate::client::PreparedRequest;
use crate::sign::Credentials;
use crate::Error;
use std::sync::Arc;
use std::time::Duration;

/// One client's runtime (shared by its calls).
pub struct NativeRuntime {
    http: reqwest::Client,
}

impl NativeRuntime {
    pub fn new() -> Result<Self, Error> {
        let http = reqwest::Client::builder().build().map_err(|e| {
            Error::network(&["cannot build the HTTP client: ", &e.to_string()].concat())
        })?;
        Ok(Self { http })
    }
}

fn header(resp: &reqwest::Response, name: &str) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The runtime's code for a failure, when it says nothing was sent.
fn network_failure(url: &str, e: reqwest::Error) -> Failure<reqwest::Error> {
    // A connect error means no connection was made: nothing was sent, a retry is safe.
    let code = e.is_connect().then_some("ECONNREFUSED");
    let mut error = Error::network_to(url, code, &e.to_string());
    error.retryable = e.is_connect();
    Failure {
        error,
        cause: Some(e),
    }
}

impl Transport for NativeRuntime {
    type Cause = reqwest::Error;

    async fn send(
        &self,
        req: &PreparedRequest,
        timeout_ms: u32,
        max_response_bytes: u32,
    ) -> Result<Reply, Failure<reqwest::Error>> {
        let attempt = async {
            let mut builder = self.http.post(&req.url).body(req.body.clone());
            for (k, v) in &req.headers {
                builder = builder.header(*k, v);
            }
            let mut resp = builder
                .send()
                .await
                .map_err(|e| network_failure(&req.url, e))?;
            let status = resp.status().as_u16();
            let too_large = || -> Failure<reqwest::Error> {
                Error::invalid_response(
                    status,
                    [
                        "the response body is larger than maxResponseBytes = ",
                        &max_response_bytes.to_string(),
                        "; it was not read further",
                    ]
                    .concat(),
                )
                .into()
            };
            if resp
                .content_length()
                .is_some_and(|n| n > u64::from(max_response_bytes))
            {
                return Err(too_large());
            }
            let (date, retry_after) = (header(&resp, "date"), header(&resp, "retry-after"));
            // Read chunk by chunk and stop at the cap: never buffer past it.
            let mut body = Vec::new();
            while let Some(chunk) = resp
                .chunk()
                .await
                .map_err(|e| network_failure(&req.url, e))?
            {
                if body.len() + chunk.len() > max_response_bytes as usize {
                    return Err(too_large());
                }
                body.extend_from_slice(&chunk);
            }
            Ok(Reply {
                status,
                date,
                retry_after,
                body,
            })
        };
        match tokio::time::timeout(Duration::from_millis(timeout_ms.into()), attempt).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::timeout(timeout_ms).into()),
        }
    }
}

impl Clock for NativeRuntime {
    fn now_ms(&self) -> f64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    }

    async fn sleep(&self, ms: f64) -> Result<(), Error> {
        if ms > 0.0 {
            tokio::time::sleep(Duration::from_secs_f64(ms / 1000.0)).await;
        }
        Ok(())
    }

    fn aborted(&self) -> bool {
        false
    }
}

impl Random for NativeRuntime {
    fn random(&self) -> f64 {
        fastrand::f64()
    }
}

impl Observer for NativeRuntime {
    fn event(&self, _action: &str, _event: Event<'_>) {}
}

impl CredentialsSource for NativeRuntime {
    type Cause = reqwest::Error;

    fn has_provider(&self) -> bool {
        false
    }

    async fn credentials(
        &self,
        _action: &str,
        _stale: Option<u64>,
        _limit_ms: f64,
    ) -> Result<(Arc<Credentials>, u64), ProviderWait<reqwest::Error>> {
        Err(ProviderWait::Failed(
            Error::invalid_argument("credentials: a native Client takes fixed credentials").into(),
        ))
    }
}
