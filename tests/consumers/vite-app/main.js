// A plain page using volc-im as a bundled dependency (resolved through the package `exports`,
// `browser` condition; the .wasm is a Vite asset): signs the shared vector, meets a refused
// endpoint, and sends one message to the simulator. signing.json is tests/data/signing.json,
// copied beside this file by test.mjs.
import { ImClient, signRequest, isVolcError } from "volc-im";
import { signRequest as signOnly, isVolcError as isVolcErrorSignOnly } from "volc-im/sign";
import data from "./signing.json";

const show = (id, value) => {
  document.getElementById(id).textContent = String(value);
};

async function signVector() {
  const v = data.vectors[0].inputs;
  const d = v.x_date; // YYYYMMDDTHHMMSSZ
  const date = new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`);
  const query = v.query.map(([k, x]) => `${k}=${x}`).join("&");
  const options = {
    method: v.method,
    url: `https://${v.host}${v.path}?${query}`,
    headers: v.headers,
    body: v.body,
    accessKeyId: v.ak,
    secretAccessKey: v.sk,
    region: v.region,
    service: v.service,
    date,
  };
  const signed = await signRequest(options);
  show("signature", signed.signature);
  // The signer-only entry (its own small .wasm): the same signature, the same error class.
  show("signature-sign-only", (await signOnly(options)).signature);
  show("sign-only-error", await signOnly({ ...options, region: "" }).then(() => "(resolved)", (e) => isVolcErrorSignOnly(e) && isVolcError(e) && e.code));
  show("authorization", signed.headers.Authorization);
}

async function sendToRefusedEndpoint() {
  // The test passes a loopback port nothing listens on: the fetch fails -> NetworkError.
  const endpoint = new URLSearchParams(location.search).get("endpoint") ?? "http://127.0.0.1:9";
  const client = new ImClient({
    accessKeyId: "AKLTconsumerVite00000000000000000",
    secretAccessKey: "c2VjcmV0LWZvci10aGUtdml0ZS1jb25zdW1lcg==",
    endpoint,
    timeoutMs: 5000,
  });
  try {
    await client.p2pSendMessage({
      AppId: 666675,
      Sender: 10008n,
      ConversationShortId: "7221856821303361536",
      MsgType: 10013,
      Content: "{}",
    });
    show("error-code", "(resolved)");
  } catch (err) {
    show("error-code", isVolcError(err) ? err.code : `not a VolcError: ${err}`);
    show("error-is-volc", isVolcError(err));
    show("error-retryable", isVolcError(err) && err.retryable);
  }
  // After the first call the module has loaded: the client shows who it is, never the secret.
  show("client-string", `${client} ${JSON.stringify(client)}`);
}

async function sendToSimulator() {
  // One real message to the simulator at ?sim= (its built-in test credentials).
  const q = new URLSearchParams(location.search);
  const client = new ImClient({ accessKeyId: "AKLTsimulator", secretAccessKey: "c2ltdWxhdG9yLXNlY3JldC1rZXk=", endpoint: q.get("sim") });
  const res = await client.p2pSendMessage({
    AppId: 666675, Sender: "10008", ConversationShortId: 7221856821303361536n, MsgType: 10013, Content: q.get("content"),
  });
  show("sim-result", JSON.stringify(res));
}

Promise.all([signVector(), sendToRefusedEndpoint(), sendToSimulator()]).then(
  () => show("status", "done"),
  (err) => {
    show("failure", JSON.stringify({ code: err?.code, isVolcError: isVolcError(err), message: String(err?.message ?? err) }));
    show("status", "failed");
  },
);
