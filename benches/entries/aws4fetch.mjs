// aws4fetch 1.0.20 (WebCrypto). Signs AWS-style (AWS4-HMAC-SHA256, "aws4_request"): a cost
// comparison only — Volcengine would reject its output.
import { AwsClient, AwsV4Signer } from "aws4fetch";

export function makeSigners(fx) {
  const client = new AwsClient({
    accessKeyId: fx.ACCESS_KEY_ID,
    secretAccessKey: fx.SECRET_ACCESS_KEY,
    service: fx.SERVICE,
    region: fx.REGION,
  });
  return {
    "aws4fetch (fresh AwsV4Signer)": async (body) => {
      const signer = new AwsV4Signer({
        method: "POST",
        url: fx.URL_P2P,
        headers: fx.HEADERS,
        body,
        accessKeyId: fx.ACCESS_KEY_ID,
        secretAccessKey: fx.SECRET_ACCESS_KEY,
        service: fx.SERVICE,
        region: fx.REGION,
        datetime: fx.X_DATE,
      });
      return (await signer.sign()).headers.get("authorization");
    },
    "aws4fetch (AwsClient, key cache)": async (body) => {
      const req = await client.sign(fx.URL_P2P, {
        method: "POST",
        headers: fx.HEADERS,
        body,
        aws: { datetime: fx.X_DATE },
      });
      return req.headers.get("authorization");
    },
  };
}
