// VolcError: the one error class every failure rejects with. Loaded by the wasm glue (the
// Rust side constructs errors through `makeVolcError`) and re-exported by every entry.
const BRAND = Symbol.for("volc-im.VolcError");

export class VolcError extends Error {
  constructor(code, message, props, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "VolcError";
    this.code = code;
    this.codeN = props?.codeN;
    this.requestId = props?.requestId;
    this.status = props?.status;
    this.action = props?.action;
    this.retryable = props?.retryable === true;
    this.attempts = props?.attempts ?? 0;
    Object.defineProperty(this, BRAND, { value: true });
  }

  // `instanceof` works across duplicated copies of the package (bundled twice, ESM + CJS).
  static [Symbol.hasInstance](value) {
    return this === VolcError ? isVolcError(value) : Function.prototype[Symbol.hasInstance].call(this, value);
  }

  toJSON() {
    const { name, code, message, codeN, requestId, status, action, retryable, attempts } = this;
    return { name, code, message, codeN, requestId, status, action, retryable, attempts };
  }
}

export function isVolcError(value) {
  return typeof value === "object" && value !== null && value[BRAND] === true;
}

export function makeVolcError(code, message, props, cause) {
  return new VolcError(code, message, props, cause);
}
