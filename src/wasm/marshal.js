// Moves a flat options object across the wasm boundary as ONE UTF-8 frame instead of a call
// per property and per type test (each crossing costs more than signing a small request). Pure
// translation: no option is interpreted here; anything unusual returns undefined and the Rust
// side reads the object the general way (which also words the errors).
//
// Format: tokens joined by "\0" — per entry: key, tag, payload. Tags: "s" string, "u"
// undefined, "d" Date (payload: integer milliseconds, "" for an Invalid Date), "h" object of
// strings (payload: count, then key/value tokens), and, passed beside the frame (payload: the
// index for `takeSide`), "b" a Uint8Array and "t" a long string as UTF-8 bytes (a 64 KiB body
// is neither copied into the frame nor scanned). Each property is read once. A short string
// holding "\0", or more entries than the general path accepts, takes the general path.

// UTF-8 by the platform: the glue's own string passing copies ASCII one character at a time.
const encoder = new TextEncoder();

// What kind of value `v` is, in one call (src/wasm/convert.rs would otherwise test typeof,
// Array.isArray, instanceof and the prototype one boundary crossing at a time). The numbers
// are `Kind` in src/wasm/convert.rs.
const PLAIN_OBJECT = 12;

export function kindOf(v) {
  switch (typeof v) {
    case "string":
      return 0;
    case "number":
      return 1;
    case "undefined":
      return 2;
    case "boolean":
      return 4;
    case "bigint":
      return 5;
    case "function":
      return 6;
    case "symbol":
      return 7;
  }
  if (v === null) return 3;
  try {
    if (Array.isArray(v)) return 8;
    if (v instanceof Uint8Array) return 9;
    if (v instanceof ArrayBuffer) return 10;
    if (v instanceof Date) return 11;
    const p = Object.getPrototypeOf(v);
    return p === null || Object.getPrototypeOf(p) === null ? PLAIN_OBJECT : 13;
  } catch {
    return 13; // a Proxy whose traps throw: not a plain object
  }
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
    return undefined; // a throwing getter or Proxy: the general path reports it
  }
}

function frame(o) {
  if (kindOf(o) !== PLAIN_OBJECT) return undefined;
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
    } else if (v instanceof Uint8Array) {
      out.push(k, "b", String(side.push(v) - 1));
    } else if (v instanceof Date) {
      const t = v.getTime();
      out.push(k, "d", t === t ? String(t) : "");
    } else if (kindOf(v) === PLAIN_OBJECT) {
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
