// A Worker that uses volc-im the way an app would: resolved by wrangler through the package's
// `exports` (`workerd` condition), the .wasm imported as a compiled module.
import { ImClient, initWasm, signRequest, isVolcError, VolcError } from "volc-im";
import { signRequest as signOnly } from "volc-im/sign";

const json = (value, status = 200) =>
  new Response(JSON.stringify(value, (_, v) => (typeof v === "bigint" ? { bigint: v.toString() } : v)), {
    status,
    headers: { "content-type": "application/json" },
  });

const describe = (err) =>
  isVolcError(err)
    ? { isVolcError: true, instanceOfVolcError: err instanceof VolcError, instanceOfError: err instanceof Error, ...err.toJSON() }
    : { isVolcError: false, name: err?.name, message: String(err?.message ?? err) };

// P2PSendMessage body, ids given as every accepted kind: number, string, bigint.
const body = (conversation) => ({
  AppId: 666675,
  Sender: 10008,
  ConversationShortId: conversation,
  MsgType: 10013,
  Content: JSON.stringify({ type: 1000, ext: "", message_type: 10001 }),
  ReceiverUserId: [9007199254740993n, "10010"],
});

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    const keys = { accessKeyId: env.ACCESS_KEY_ID, secretAccessKey: env.SECRET_ACCESS_KEY };
    try {
      switch (pathname) {
        case "/sign": {
          // (a) sign a described request; the date travels as ISO text.
          const o = await request.json();
          const signed = await signRequest({ ...o, date: new Date(o.date) });
          // The signer-only entry (its own .wasm module) must agree byte for byte.
          const alone = await signOnly({ ...o, date: new Date(o.date) });
          return json({ authorization: signed.headers.Authorization, signature: signed.signature, url: signed.url, signOnly: alone.signature });
        }
        case "/send": {
          // (b) a real call through the global fetch to env.ENDPOINT.
          const client = new ImClient({ ...keys, endpoint: env.ENDPOINT });
          return json(await client.p2pSendMessage(body("7221856821303361536")));
        }
        case "/send-sim": {
          // One message to the real simulator, with its test credentials (bindings).
          const client = new ImClient({ accessKeyId: env.SIM_ACCESS_KEY_ID, secretAccessKey: env.SIM_SECRET_ACCESS_KEY, endpoint: env.SIM_ENDPOINT });
          const { content } = await request.json();
          return json(await client.p2pSendMessage({ AppId: 666675, Sender: "10008", ConversationShortId: 7221856821303361536n, MsgType: 10013, Content: content }));
        }
        case "/init-wasm": {
          // Ready at import in workerd: initWasm resolves at once, and still checks its argument.
          await initWasm();
          const bad = await initWasm(42).then(() => "resolved", (e) => describe(e));
          return json({ ok: true, bad });
        }
        case "/send-bigint": {
          const client = new ImClient({ ...keys, endpoint: env.ENDPOINT, int64: "bigint" });
          const out = await client.p2pSendMessage(body(7221856821303361536n));
          return json({ types: out.Result.P2PResult.map((r) => typeof r.UserId), ids: out.Result.P2PResult.map((r) => r.UserId) });
        }
        case "/vendor-error": {
          const client = new ImClient({ ...keys, endpoint: env.ENDPOINT });
          await client.p2pSendMessage(body("1"));
          return json({ unexpected: "resolved" }, 500);
        }
        case "/invalid-body": {
          // 2**60 as a Number has already lost digits: InvalidArgument, nothing sent.
          const client = new ImClient({ ...keys, endpoint: env.ENDPOINT });
          await client.p2pSendMessage({ ...body("5"), Sender: 2 ** 60 });
          return json({ unexpected: "resolved" }, 500);
        }
        case "/invalid-options": {
          new ImClient({ ...keys, endpoint: env.ENDPOINT, timeoutMs: -1 });
          return json({ unexpected: "constructed" }, 500);
        }
        default:
          return json({ error: `no route ${pathname}` }, 404);
      }
    } catch (err) {
      return json({ caught: describe(err) });
    }
  },
};
