// A caller's value copied into plain data before Rust reads it (src/wasm/convert.rs, with
// serde-wasm-bindgen). Every read of the caller's value happens here, inside try/catch: a
// throwing getter, a Proxy whose `length` or traps throw, a revoked Proxy, a detached
// ArrayBuffer or a view on one become a tagged value that Rust turns into InvalidArgument
// naming the field. No JS exception can unwind through Rust frames, and each property is read
// once (no second read that could answer differently).
//
// A node is [kind, payload]; the kinds and the reasons of OTHER are `Kind` and `Other` in
// src/wasm/convert.rs, the one description of this format.
const STR = 0, NUM = 1, UNDEF = 2, NULL = 3, BOOL = 4, BIGINT = 5, OTHER = 6, LIST = 7, BYTES = 8, DATE = 9, OBJECT = 10;
// Reasons of OTHER.
const FUNCTION = 0, SYMBOL = 1, INSTANCE = 2, TOO_DEEP = 3, TOO_LARGE = 4, LENGTH_THROWS = 5,
  ELEMENTS_THROW = 6, PROPERTIES_THROW = 7, DETACHED = 8, UNREADABLE = 9, CYCLIC = 10;

// The same budgets the Rust side states (convert.rs): a cyclic or heavily shared structure
// (`a.push(a, a)`) would otherwise be walked exponentially often.
const MAX_DEPTH = 64;
const MAX_NODES = 100_000;

// Returns [node, refs]: `refs` holds the top-level objects and functions by key (`fetch`,
// `onEvent`, `credentials`, `signal`), so Rust never reads the caller's object a second time.
// (A null-prototype object: a "__proto__" key stays a key.)
export function snapshot(value) {
  const refs = Object.create(null);
  return [node(value, 0, { nodes: 0, path: new Set() }, refs), refs];
}

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

function node(v, depth, budget, refs) {
  if (++budget.nodes > MAX_NODES) return [OTHER, TOO_LARGE];
  switch (typeof v) {
    case "string":
      return [STR, v];
    case "number":
      return [NUM, v];
    case "undefined":
      return [UNDEF];
    case "boolean":
      return [BOOL, v];
    case "bigint":
      return [BIGINT, v.toString()];
    case "function":
      return [OTHER, FUNCTION];
    case "symbol":
      return [OTHER, SYMBOL];
  }
  if (v === null) return [NULL];
  if (depth >= MAX_DEPTH) return [OTHER, TOO_DEEP];
  if (isUint8Array(v) || isArrayBuffer(v)) {
    const bytes = copyBytes(v);
    return bytes ? [BYTES, bytes] : [OTHER, DETACHED];
  }
  let kind;
  try {
    if (Array.isArray(v)) kind = LIST;
    else if (v instanceof Date) return [DATE, dateGetTime.call(v)];
    else {
      const p = Object.getPrototypeOf(v);
      kind = p === null || Object.getPrototypeOf(p) === null ? OBJECT : INSTANCE;
    }
  } catch {
    return [OTHER, UNREADABLE]; // a revoked Proxy, or traps that throw
  }
  if (kind === INSTANCE) return [OTHER, INSTANCE];
  // A value that contains itself is refused at once, not walked until the node budget runs out
  // (which took about a second of blocking CPU).
  if (budget.path.has(v)) return [OTHER, CYCLIC];
  budget.path.add(v);
  try {
    return container(v, kind, depth, budget, refs);
  } finally {
    budget.path.delete(v);
  }
}

function container(v, kind, depth, budget, refs) {
  if (kind === LIST) {
    let length;
    try {
      length = v.length;
    } catch {
      return [OTHER, LENGTH_THROWS];
    }
    const items = [];
    for (let i = 0; i < length; i++) {
      let item;
      try {
        item = v[i];
      } catch {
        return [OTHER, ELEMENTS_THROW];
      }
      items.push(node(item, depth + 1, budget));
      if (budget.nodes > MAX_NODES) return [OTHER, TOO_LARGE];
    }
    return [LIST, items];
  }
  let entries;
  try {
    entries = Object.entries(v);
  } catch {
    return [OTHER, PROPERTIES_THROW];
  }
  const out = [];
  for (const [k, value] of entries) {
    if (refs && depth === 0 && (typeof value === "function" || (typeof value === "object" && value !== null))) {
      refs[k] = value;
    }
    out.push([k, node(value, depth + 1, budget)]);
    if (budget.nodes > MAX_NODES) return [OTHER, TOO_LARGE];
  }
  return [OBJECT, out];
}
