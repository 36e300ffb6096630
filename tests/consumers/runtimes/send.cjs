// CommonJS twin of send.mjs (Node `require`): one message to the simulator at argv[2].
const { ImClient, isVolcError } = require("volc-im");
const { signRequest } = require("volc-im/sign");

const [endpoint, content] = process.argv.slice(2);
(async () => {
  try {
    const client = new ImClient({ accessKeyId: "AKLTsimulator", secretAccessKey: "c2ltdWxhdG9yLXNlY3JldC1rZXk=", endpoint });
    const result = await client.p2pSendMessage({
      AppId: 666675, Sender: 10008n, ConversationShortId: 7221856821303361536n, MsgType: 10013, Content: content,
    });
    const signed = await signRequest({
      method: "POST", url: `${endpoint}/?Action=P2PSendMessage&Version=2020-12-01`, body: "{}",
      accessKeyId: "AKLTsimulator", secretAccessKey: "c2ltdWxhdG9yLXNlY3JldC1rZXk=", region: "cn-north-1", service: "rtc",
    });
    console.log(JSON.stringify({ result, signedHeaders: signed.signedHeaders }));
  } catch (e) {
    console.log(JSON.stringify({ error: { code: e?.code, isVolcError: isVolcError(e), message: String(e?.message ?? e) } }));
  }
})();
