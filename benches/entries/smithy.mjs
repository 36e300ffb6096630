// @smithy/signature-v4 5.7.5 with @aws-crypto/sha256-js (pure JS). Signs AWS-style: a cost
// comparison only. One signer reused, as the AWS SDK does (it caches the derived key).
import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@aws-crypto/sha256-js";

export function makeSigners(fx) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: fx.ACCESS_KEY_ID, secretAccessKey: fx.SECRET_ACCESS_KEY },
    region: fx.REGION,
    service: fx.SERVICE,
    sha256: Sha256,
  });
  return {
    "@smithy/signature-v4 + sha256-js": async (body) => {
      const signed = await signer.sign(
        {
          method: "POST",
          protocol: "https:",
          hostname: fx.HOST,
          path: "/",
          query: { ...fx.QUERY },
          headers: { "content-type": "application/json", host: fx.HOST },
          body,
        },
        { signingDate: fx.DATE },
      );
      return signed.headers.authorization;
    },
  };
}
