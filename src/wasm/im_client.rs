//! `ImClient` for JS: converts arguments, runs the call through the client's [`Session`] with
//! a [`JsCall`] runtime, and converts the result. No rules live here.

use super::credentials::Provider;
use super::errors::{reject, JsFailure};
use super::transport::{self, JsCall};
use super::{convert, options_of};
use crate::api::envelope::Success;
use crate::api::input::{entries_from_json_text, to_json_text, Entries, Input};
use crate::api::p2p::{self, P2PSendMessageRequest, P2PSendMessageResult};
use crate::client::{CallOptions, ClientConfig, Session};
use crate::Error;
use js_sys::{Function, Object, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;
use web_sys::AbortSignal;

/// A body given as a plain object or as JSON text (what a relay receives), as entries.
fn body_entries(body: &JsValue) -> Result<Entries, Error> {
    match convert::to_input(body) {
        Input::Str(text) => entries_from_json_text(text.as_bytes())
            .map_err(|why| Error::invalid_argument(["body: not a JSON object: ", &why].concat())),
        Input::Object(entries) => Ok(entries),
        other => Err(Error::invalid_argument(
            [
                "body: expected an object or JSON text, got ",
                other.type_name(),
            ]
            .concat(),
        )),
    }
}

/// The call options' signal, from their snapshot.
fn signal_of(options: &convert::Snapshot) -> Result<Option<AbortSignal>, Error> {
    match options.object("signal") {
        None => Ok(None),
        Some(s) if s.is_null() => Ok(None),
        Some(s) => transport::as_abort_signal(&s)
            .map(Some)
            .ok_or_else(|| Error::invalid_argument("signal: expected an AbortSignal")),
    }
}

/// What a client keeps between calls: the shared session and the caller's functions.
struct Shared {
    session: Session,
    fetch: Option<Function>,
    on_event: Option<Function>,
    provider: Option<Provider>,
}

impl Shared {
    /// The runtime of one call with `signal`.
    fn call<'a>(&'a self, signal: Option<&'a AbortSignal>) -> JsCall<'a> {
        JsCall {
            fetch: self.fetch.as_ref(),
            on_event: self.on_event.as_ref(),
            provider: self.provider.as_ref(),
            signal,
        }
    }
}

/// A client for the IM OpenAPI. Options are validated here, so mistakes throw at once.
#[wasm_bindgen(js_name = ImClient)]
pub struct ImClient {
    shared: Rc<Shared>,
}

#[wasm_bindgen(js_class = ImClient)]
impl ImClient {
    /// `new ImClient({ accessKeyId, secretAccessKey, ... })`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<ImClient, JsValue> {
        let (entries, snap) = options_of(&options, "options").map_err(|e| reject(e.into()))?;
        let config = ClientConfig::from_entries(&entries).map_err(|e| reject(e.into()))?;
        let session = match snap.object("limiter") {
            None => Session::new(config),
            Some(l) => {
                let limiter = super::limiter::from_js(&l).ok_or_else(|| {
                    reject(
                        Error::invalid_argument(
                            "limiter: expected a QpsLimiter (new QpsLimiter({ qps }))",
                        )
                        .into(),
                    )
                })?;
                Session::with_limiter(config, Some(limiter))
            }
        };
        Ok(ImClient {
            shared: Rc::new(Shared {
                session,
                fetch: snap.function("fetch"),
                on_event: snap.function("onEvent"),
                provider: snap.function("credentials").map(Provider::new),
            }),
        })
    }

    /// `P2PSendMessage`: a pass-through message to the online members of a conversation.
    #[wasm_bindgen(js_name = p2pSendMessage)]
    pub fn p2p_send_message(&self, body: JsValue, options: JsValue) -> Promise {
        self.run(None, body, options)
    }

    /// Any IM action: `call("GetConversationMarks", body, { version, signal, int64Fields })`.
    pub fn call(&self, action: JsValue, body: JsValue, options: JsValue) -> Promise {
        self.run(Some(action), body, options)
    }
    /// Shows who the client is, never the secret.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        let c = &self.shared.session.config;
        [
            "ImClient { accessKeyId: ",
            access_key_id(c),
            ", region: ",
            &c.region,
            ", endpoint: ",
            c.endpoint.scheme,
            "://",
            &c.endpoint.authority,
            " }",
        ]
        .concat()
    }

    /// `JSON.stringify(client)`: the same public facts, never the secret.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json_js(&self) -> JsValue {
        let c = &self.shared.session.config;
        let endpoint = [c.endpoint.scheme, "://", &c.endpoint.authority].concat();
        let out = Object::new();
        for (k, v) in [
            ("accessKeyId", access_key_id(c)),
            ("region", &c.region),
            ("endpoint", &endpoint),
        ] {
            let _ = Reflect::set(&out, &JsValue::from_str(k), &JsValue::from_str(v));
        }
        out.into()
    }
}

impl ImClient {
    /// One call: `P2PSendMessage` (`action` is `None`) or any action. Both are one future type,
    /// so the promise machinery is compiled once (a second `future_to_promise` instance cost
    /// ~4 KB of `.wasm`, measured).
    fn run(&self, action: Option<JsValue>, body: JsValue, options: JsValue) -> Promise {
        let shared = self.shared.clone();
        future_to_promise(async move {
            let run = async {
                let action = match action {
                    None => None,
                    Some(a) => Some(a.as_string().ok_or_else(|| {
                        Error::invalid_argument("action: expected an action name (a string)")
                    })?),
                };
                let (entries, snap) = options_of(&options, "callOptions")?;
                let opts = CallOptions::from_entries(&entries, action.is_some())?;
                let signal = signal_of(&snap)?;
                let body = body_entries(&body)?;
                let call = shared.call(signal.as_ref());
                let int64 = shared.session.config.int64;
                let Some(action) = action else {
                    let request = P2PSendMessageRequest::from_entries(&body)?;
                    let ok: Success = shared
                        .session
                        .execute(
                            &call,
                            p2p::ACTION,
                            crate::api::IM_VERSION,
                            request.to_json(),
                        )
                        .await?;
                    let result = P2PSendMessageResult::from_success(&ok)?;
                    let out = ok.metadata.envelope_with(result.to_value());
                    return Ok(convert::to_js(out, &p2p::INT64_FIELDS, int64));
                };
                let bytes = to_json_text(&Input::Object(body), "body")?.into_bytes();
                let ok: Success = shared
                    .session
                    .execute(&call, &action, &opts.version, bytes)
                    .await?;
                let fields: Vec<&str> = opts.int64_fields.iter().map(String::as_str).collect();
                let out = ok.metadata.envelope_with(ok.result);
                Ok::<_, JsFailure>(convert::to_js(out, &fields, int64))
            };
            run.await.map_err(reject)
        })
    }
}

/// The access key id to show (a provider's keys are not known up front).
fn access_key_id(c: &ClientConfig) -> &str {
    c.credentials
        .as_ref()
        .map_or("(from credentials())", |k| k.access_key_id.as_str())
}
