// The page every bundler consumer builds (esbuild, webpack, Rollup): constructs a client, lets
// the entry file supply the .wasm if it must (`init`), sends one P2P message to the simulator
// at `?endpoint=` with `?content=`, and signs the shared vector (signing.json, served beside the
// page) with volc-im/sign. Results go into <output> elements for the test to read.
export async function run(im, sign, init) {
  const q = new URLSearchParams(location.search);
  const show = (id, value) => {
    document.getElementById(id).textContent = typeof value === "string" ? value : JSON.stringify(value);
  };
  try {
    // Constructed before the .wasm is located: nothing may need it yet.
    const client = new im.ImClient({
      accessKeyId: "AKLTsimulator",
      secretAccessKey: "c2ltdWxhdG9yLXNlY3JldC1rZXk=",
      endpoint: q.get("endpoint"),
    });
    if (init) await init();
    show("result", await client.p2pSendMessage({
      AppId: 666675,
      Sender: "10008",
      ConversationShortId: "7221856821303361536",
      MsgType: 10013,
      Content: q.get("content"),
    }));
    const v = (await (await fetch("signing.json")).json()).vectors[0].inputs;
    const d = v.x_date; // YYYYMMDDTHHMMSSZ
    const signed = await sign.signRequest({
      method: v.method,
      url: `https://${v.host}${v.path}?${v.query.map(([k, x]) => `${k}=${x}`).join("&")}`,
      headers: v.headers,
      body: v.body,
      accessKeyId: v.ak,
      secretAccessKey: v.sk,
      region: v.region,
      service: v.service,
      date: new Date(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${d.slice(9, 11)}:${d.slice(11, 13)}:${d.slice(13, 15)}Z`),
    });
    show("signature", signed.signature);
    show("status", "done");
  } catch (e) {
    show("error", { code: e?.code, isVolcError: im.isVolcError(e), message: String(e?.message ?? e) });
    show("status", "failed");
  }
}

