// ESM entry for bundlers that rewrite or keep `new URL("volc_im_bg.wasm", import.meta.url)`:
// no initWasm call.
import * as im from "volc-im";
import * as sign from "volc-im/sign";
import { run } from "./app.js";

run(im, sign);
