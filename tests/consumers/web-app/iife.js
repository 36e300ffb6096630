// IIFE entry (a classic <script>, where import.meta.url is empty): the documented recipe —
// volc_im_bg.wasm and volc_im_sign_bg.wasm copied beside the bundle, located from the script's
// own URL with initWasm. `?noinit` leaves that out, to see the error the user would get.
import * as im from "volc-im";
import * as sign from "volc-im/sign";
import { run } from "./app.js";

const here = document.currentScript.src; // only readable while the script first runs
const init = () =>
  Promise.all([im.initWasm(new URL("volc_im_bg.wasm", here)), sign.initWasm(new URL("volc_im_sign_bg.wasm", here))]);
run(im, sign, new URLSearchParams(location.search).has("noinit") ? undefined : init);
