// Moves a flat options object across the wasm boundary as ONE UTF-8 frame instead of a call
// per property and per type test (each crossing costs more than signing a small request). Pure
// translation: no option is interpreted here; anything unusual returns undefined and the Rust
// side reads the object the general way (which also words the errors).
//
// The frame format is described once, in src/wasm/marshal.rs (the half that reads it). Each
// property is read once; a short string holding "\0", or more entries than the general path
// accepts, takes the general path.

import { copyBytes, isUint8Array } from "./snapshot.js";

// UTF-8 by the platform: the glue's own string passing copies ASCII one character at a time.
const encoder = new TextEncoder();
const dateGetTime = Date.prototype.getTime;

// A plain object ({} or Object.create(null)), the only options shape the frame carries.
function isPlainObject(v) {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === null || Object.getPrototypeOf(p) === null;
}

// Values that travel beside the frame, taken (and released) by index by the Rust side.
let side = [];
export function takeSide(i) {
  const v = side[i];
  side[i] = undefined;
  return v;
}

// The general path's own budget of values per input (src/wasm/convert.rs MAX_NODES).
const MAX_TOKENS = 100_000;

export function packFlat(o) {
  side = [];
  try {
    return frame(o);
  } catch {
    return undefined; // a throwing getter or Proxy: the general path (snapshot.js) reports it
  }
}

function frame(o) {
  if (!isPlainObject(o)) return undefined;
  const out = [];
  for (const k of Object.keys(o)) {
    if (k.includes("\0")) return undefined;
    const v = o[k];
    if (typeof v === "string" && v.length > 1024) {
      out.push(k, "t", String(side.push(encoder.encode(v)) - 1));
    } else if (typeof v === "string") {
      if (v.includes("\0")) return undefined;
      out.push(k, "s", v);
    } else if (v === undefined) {
      out.push(k, "u", "");
    } else if (isUint8Array(v)) {
      // A copy made by the built-in (a detached one fails here: the general path reports it).
      const bytes = copyBytes(v);
      if (!bytes) return undefined;
      out.push(k, "b", String(side.push(bytes) - 1));
    } else if (v instanceof Date) {
      const t = dateGetTime.call(v);
      out.push(k, "d", t === t ? String(t) : "");
    } else if (isPlainObject(v)) {
      const inner = [];
      for (const hk of Object.keys(v)) {
        const hv = v[hk];
        if (typeof hv !== "string" || hk.includes("\0") || hv.includes("\0")) return undefined;
        inner.push(hk, hv);
        if (inner.length > MAX_TOKENS) return undefined;
      }
      out.push(k, "h", String(inner.length / 2));
      for (const t of inner) out.push(t);
    } else {
      return undefined;
    }
  }
  if (out.length > MAX_TOKENS) return undefined;
  return encoder.encode(out.join("\0"));
}

// The signed result, packed by Rust the same way: url, signedHeaders, canonicalRequest,
// stringToSign, signature, then header name/value tokens.
export function unpackSigned(s) {
  const t = s.split("\0");
  const headers = {};
  for (let i = 5; i + 1 < t.length; i += 2) {
    // A "__proto__" header name must stay a property, not replace the prototype.
    if (t[i] === "__proto__") Object.defineProperty(headers, t[i], { value: t[i + 1], writable: true, enumerable: true, configurable: true });
    else headers[t[i]] = t[i + 1];
  }
  return { url: t[0], headers, signedHeaders: t[1], canonicalRequest: t[2], stringToSign: t[3], signature: t[4] };
}
