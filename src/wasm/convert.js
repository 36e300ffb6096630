// JS values in and out of Rust (src/wasm/convert.rs). In: a caller's value is copied into plain
// data before Rust reads it. Every read of the caller's value happens here, inside try/catch: a throwing getter, a Proxy whose
// `length` or traps throw, a revoked Proxy, a detached ArrayBuffer or a view on one become a
// tagged value that Rust turns into InvalidArgument naming the field. No JS exception can
// unwind through Rust frames, and each property is read once (no second read that could answer
// differently).
//
// The copy crosses the wasm boundary as ONE string (a "tape") plus the numbers and bytes beside
// it, instead of a call per node and per type test (a P2P body took ~60 crossings). The tape's
// grammar and the reasons of an unreadable value are described once, in src/wasm/convert.rs
// (`Tape`, `other`), the half that reads it.

// Reasons of an unreadable value (the character after "x").
const FUNCTION = "a", SYMBOL = "b", INSTANCE = "c", TOO_DEEP = "d", TOO_LARGE = "e", LENGTH_THROWS = "f",
  ELEMENTS_THROW = "g", PROPERTIES_THROW = "h", DETACHED = "i", UNREADABLE = "j", CYCLIC = "k";

// The same budgets the Rust side states (convert.rs): a cyclic or heavily shared structure
// (`a.push(a, a)`) would otherwise be walked exponentially often.
const MAX_DEPTH = 64;
const MAX_NODES = 100_000;

// Returns [tape (UTF-8 bytes), numbers, sides, refs]. `numbers` (a Float64Array) holds every
// number and Date in tape order, `sides` every byte copy and every string holding a NUL (the
// tape's terminator) or longer than 1 KiB (as UTF-8). `refs` holds the top-level objects and
// functions by key (`fetch`, `onEvent`, `credentials`, `signal`), so Rust never reads the
// caller's object a second time (a null-prototype object: a "__proto__" key stays a key).
export function snapshot(value) {
  const refs = Object.create(null);
  const w = { t: "", nums: [], sides: [], nodes: 0, path: new Set(), refs };
  node(w, value, 0);
  // UTF-8 by the platform's encoder: the glue's own string passing copies ASCII one character
  // at a time, which made a 64 KiB body ~30 % slower to sign, and a 192 B one ~1 µs (measured).
  return [encoder.encode(w.t), new Float64Array(w.nums), w.sides, refs];
}

const encoder = new TextEncoder();

// Brand checks and copies through the built-ins themselves, never through the value's own
// (overridable) methods: a Uint8Array whose own slice() or length lies, a subclass with a hostile
// species, an object that merely inherits from Uint8Array.prototype, or a Proxy around one
// cannot pass for bytes.
const typedArrayTag = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;
const bufferByteLength = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;
const dateGetTime = Date.prototype.getTime;

export function isUint8Array(v) {
  return typedArrayTag.call(v) === "Uint8Array";
}

// `instanceof` first: the brand check throws for every other object, and a thrown TypeError
// (with its stack trace) on each node of every body cost ~25 µs a send (measured).
function isArrayBuffer(v) {
  try {
    if (!(v instanceof ArrayBuffer)) return false;
    bufferByteLength.call(v);
    return true;
  } catch {
    return false;
  }
}

// A copy of a Uint8Array's bytes, or of an ArrayBuffer's; `undefined` when detached (the
// constructor reads the internal slots and throws on a detached buffer, which would otherwise
// read as empty).
export function copyBytes(v) {
  try {
    return new Uint8Array(isUint8Array(v) ? v : new Uint8Array(v));
  } catch {
    return undefined;
  }
}

// A string, NUL-terminated on the tape; beside it when it holds a NUL itself, or as UTF-8 when
// long (a 64 KiB body is then encoded once, never searched for its end).
function str(w, s) {
  if (s.length > 1024) {
    w.sides.push(encoder.encode(s));
    w.t += "L";
  } else if (s.includes("\0")) {
    w.sides.push(s);
    w.t += "S";
  } else w.t += "s" + s + "\0";
}

function node(w, v, depth) {
  if (++w.nodes > MAX_NODES) return void (w.t += "x" + TOO_LARGE);
  switch (typeof v) {
    case "string":
      return str(w, v);
    case "number":
      w.nums.push(v);
      return void (w.t += "n");
    case "undefined":
      return void (w.t += "u");
    case "boolean":
      return void (w.t += v ? "t" : "f");
    case "bigint":
      return void (w.t += "i" + v.toString() + "\0");
    case "function":
      return void (w.t += "x" + FUNCTION);
    case "symbol":
      return void (w.t += "x" + SYMBOL);
  }
  if (v === null) return void (w.t += "z");
  if (depth >= MAX_DEPTH) return void (w.t += "x" + TOO_DEEP);
  let list, proto;
  try {
    list = Array.isArray(v);
    if (!list) proto = Object.getPrototypeOf(v);
  } catch {
    return void (w.t += "x" + UNREADABLE); // a revoked Proxy, or traps that throw
  }
  // Plain objects and arrays (the usual case) skip the brand checks.
  if (!list && proto !== Object.prototype && proto !== null) {
    if (isUint8Array(v) || isArrayBuffer(v)) {
      const bytes = copyBytes(v);
      if (!bytes) return void (w.t += "x" + DETACHED);
      w.sides.push(bytes);
      return void (w.t += "b");
    }
    try {
      if (v instanceof Date) {
        w.nums.push(dateGetTime.call(v));
        return void (w.t += "d");
      }
      // A plain object of another realm (an iframe's, a vm context's) has its own Object.prototype.
      if (Object.getPrototypeOf(proto) !== null) return void (w.t += "x" + INSTANCE);
    } catch {
      return void (w.t += "x" + UNREADABLE);
    }
  }
  // A value that contains itself is refused at once, not walked until the node budget runs out
  // (which took about a second of blocking CPU).
  if (w.path.has(v)) return void (w.t += "x" + CYCLIC);
  // Where this container starts: a failure inside it replaces everything written since.
  const t = w.t.length, nums = w.nums.length, sides = w.sides.length;
  w.path.add(v);
  let failed;
  try {
    failed = list ? items(w, v, depth) : entries(w, v, depth);
  } finally {
    w.path.delete(v);
  }
  if (failed) {
    w.t = w.t.slice(0, t) + "x" + failed;
    w.nums.length = nums;
    w.sides.length = sides;
  }
}

// A list's items between "[" and "]"; the reason when it cannot be read whole.
function items(w, v, depth) {
  let length;
  try {
    length = v.length;
  } catch {
    return LENGTH_THROWS;
  }
  w.t += "[";
  for (let i = 0; i < length; i++) {
    let item;
    try {
      item = v[i];
    } catch {
      return ELEMENTS_THROW;
    }
    node(w, item, depth + 1);
    if (w.nodes > MAX_NODES) return TOO_LARGE;
  }
  w.t += "]";
}

// An object's own enumerable string keys and their values (each read once), key then value,
// between "{" and "}".
function entries(w, v, depth) {
  let keys;
  try {
    keys = Object.keys(v);
  } catch {
    return PROPERTIES_THROW;
  }
  w.t += "{";
  for (const k of keys) {
    let value;
    try {
      value = v[k];
    } catch {
      return PROPERTIES_THROW;
    }
    if (depth === 0 && (typeof value === "function" || (typeof value === "object" && value !== null))) {
      w.refs[k] = value;
    }
    str(w, k);
    node(w, value, depth + 1);
    if (w.nodes > MAX_NODES) return TOO_LARGE;
  }
  w.t += "}";
}

// A result out of Rust: JSON text (src/wasm/convert.rs `to_js`). Exact integers arrive as
// strings; for `int64: "bigint"` each is marked with a leading NUL, and a string of the
// server's that itself starts with a NUL arrives with a second one.
const revive = (_, v) => (typeof v === "string" && v.charCodeAt(0) === 0 ? (v.charCodeAt(1) === 0 ? v.slice(1) : BigInt(v.slice(1))) : v);
export function parseResult(json, bigint) {
  return bigint ? JSON.parse(json, revive) : JSON.parse(json);
}

// The signed result of signRequest, framed by Rust (convert.rs `pack_signed`): url,
// signedHeaders, canonicalRequest, stringToSign, signature, then header name/value tokens.
export function unpackSigned(s) {
  const t = s.split("\0");
  return { url: t[0], headers: headersFrom(t, 5), signedHeaders: t[1], canonicalRequest: t[2], stringToSign: t[3], signature: t[4] };
}

// Name/value tokens from `start` on (a NUL-joined frame of convert.rs `nul_joined`), as a
// headers object. A "__proto__" header name stays a property, not the object's prototype.
export function headersFrom(t, start = 0) {
  const headers = {};
  for (let i = start; i + 1 < t.length; i += 2) {
    if (t[i] === "__proto__") Object.defineProperty(headers, t[i], { value: t[i + 1], writable: true, enumerable: true, configurable: true });
    else headers[t[i]] = t[i + 1];
  }
  return headers;
}
