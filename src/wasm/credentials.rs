//! A `credentials()` provider: asked once and shared by concurrent calls (its promise is the
//! shared state), asked again a minute before `expiration`, or when the loop names the
//! generation the server refused. A provider that never answers holds no later call: the wait
//! is bounded by the loop, and a timed-out request is forgotten so the next call asks again.

use super::convert;
use super::errors::JsFailure;
use super::transport::{self, Interrupted, JsCall};
use crate::api::input::{get, Input};
use crate::client::call::{Event, Observer, ProviderWait};
use crate::client::options::credentials_from;
use crate::sign::Credentials;
use crate::{Error, ErrorCode};
use js_sys::{Function, Promise};
use std::cell::RefCell;
use std::sync::Arc;
use wasm_bindgen::JsValue;

/// Refresh provider credentials this long before they expire.
const EXPIRY_MARGIN_MS: f64 = 60_000.0;

struct Provided {
    credentials: Arc<Credentials>,
    generation: u64,
    expires_at_ms: Option<f64>,
}

/// The provider function and what it last gave.
pub struct Provider {
    function: Function,
    provided: RefCell<Option<Provided>>,
    refreshing: RefCell<Option<Promise>>,
}

impl Provider {
    /// State for the caller's `credentials` function.
    pub fn new(function: Function) -> Self {
        Self {
            function,
            provided: RefCell::new(None),
            refreshing: RefCell::new(None),
        }
    }

    /// Drops `promise` as the refresh in flight, if it still is.
    fn forget_refresh(&self, promise: &Promise) {
        let mut pending = self.refreshing.borrow_mut();
        if pending
            .as_ref()
            .is_some_and(|p| JsValue::from(p) == JsValue::from(promise))
        {
            *pending = None;
        }
    }

    /// See [`crate::client::call::CredentialsSource::credentials`].
    pub async fn credentials(
        &self,
        call: &JsCall<'_>,
        action: &str,
        stale: Option<u64>,
        limit_ms: f64,
    ) -> Result<(Arc<Credentials>, u64), ProviderWait<JsValue>> {
        let mut refreshed = false;
        loop {
            if let Some(p) = self.provided.borrow().as_ref() {
                let fresh = p
                    .expires_at_ms
                    .is_none_or(|e| e - js_sys::Date::now() > EXPIRY_MARGIN_MS);
                if refreshed || (Some(p.generation) != stale && fresh) {
                    return Ok((p.credentials.clone(), p.generation));
                }
            }
            let promise = {
                let mut pending = self.refreshing.borrow_mut();
                match pending.as_ref() {
                    Some(p) => p.clone(),
                    None => {
                        call.event(action, Event::Credentials);
                        let p = match self.function.call0(&JsValue::UNDEFINED) {
                            Ok(v) => Promise::resolve(&v),
                            Err(e) => Promise::reject(&e),
                        };
                        *pending = Some(p.clone());
                        p
                    }
                }
            };
            let outcome = match transport::wait_for(&promise, limit_ms as u32, call.signal).await {
                Ok(value) => Ok(value),
                Err(Interrupted::Failed(cause)) => Err(cause),
                Err(Interrupted::Aborted) => return Err(ProviderWait::Aborted),
                Err(Interrupted::BadSignal(cause)) => {
                    return Err(ProviderWait::Failed(JsFailure {
                        error: transport::bad_signal(),
                        cause: Some(cause),
                    }))
                }
                Err(_) => {
                    // A provider that never answers must not hold every later call: the next
                    // one asks it again.
                    self.forget_refresh(&promise);
                    return Err(ProviderWait::TimedOut);
                }
            };
            if self
                .refreshing
                .borrow()
                .as_ref()
                .is_some_and(|p| JsValue::from(p) == JsValue::from(&promise))
            {
                *self.refreshing.borrow_mut() = None;
                if let Ok(value) = &outcome {
                    let entries = convert::to_entries(value).ok_or_else(|| {
                        ProviderWait::Failed(
                            Error::invalid_argument(
                                "credentials(): must resolve to { accessKeyId, secretAccessKey, sessionToken? }",
                            )
                            .into(),
                        )
                    })?;
                    let credentials = credentials_from(&entries, "credentials()")
                        .map_err(|e| ProviderWait::Failed(e.into()))?;
                    let expires_at_ms = match get(&entries, "expiration") {
                        Input::Date(ms) | Input::Number(ms) if ms.is_finite() => Some(*ms),
                        _ => None,
                    };
                    let generation = self
                        .provided
                        .borrow()
                        .as_ref()
                        .map_or(1, |p| p.generation + 1);
                    *self.provided.borrow_mut() = Some(Provided {
                        credentials: Arc::new(credentials),
                        generation,
                        expires_at_ms,
                    });
                }
            }
            if let Err(cause) = outcome {
                let mut error = Error::invalid_argument(
                    [
                        "credentials(): the credentials function failed: ",
                        &convert::describe_thrown(&cause),
                    ]
                    .concat(),
                );
                error.code = ErrorCode::CredentialsError;
                return Err(ProviderWait::Failed(JsFailure {
                    error,
                    cause: Some(cause),
                }));
            }
            refreshed = true;
        }
    }
}
