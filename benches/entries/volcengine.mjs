// @volcengine/openapi 1.36.2 `Signer` (crypto-js), the official Node SDK's signer: same
// algorithm as volc-im (the bench checks the signatures agree). Node-only (util, Buffer).
import * as signModule from "@volcengine/openapi/lib/base/sign.js";

const Signer = signModule.default?.default ?? signModule.default;

export function makeSigners(fx) {
  return {
    "@volcengine/openapi Signer": async (body) => {
      const request = {
        region: fx.REGION,
        method: "POST",
        pathname: "/",
        params: { ...fx.QUERY },
        headers: { ...fx.HEADERS },
        body,
      };
      new Signer(request, fx.SERVICE).addAuthorization(
        { accessKeyId: fx.ACCESS_KEY_ID, secretKey: fx.SECRET_ACCESS_KEY },
        fx.DATE,
      );
      return request.headers.Authorization;
    },
  };
}
