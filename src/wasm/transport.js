// Waiting on JavaScript promises with a time limit and the caller's AbortSignal, as ONE promise
// for the Rust side (src/wasm/transport.rs decides what every outcome means). Doing this plumbing
// here instead of in Rust saves the closures, races and futures that each crossing of the wasm
// boundary would cost (~half of a send's overhead).
import { headersFrom } from "./convert.js";

// `guarded` settles within timeoutMs even when the work ignores its AbortSignal, and leaves no
// timer or listener behind. It resolves to the work's value; it rejects with [kind, cause],
// kind "timeout" | "aborted" | "signal" (the caller's signal refused a listener; the work
// never started) | "tooLarge" (the body passed the cap: cause is the status) | "error" (the
// work threw or rejected: cause).
function guarded(timeoutMs, signal, work) {
  return new Promise((resolve, reject) => {
    const controller = new AbortController();
    let settled = false;
    const settle = (fn, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      try {
        if (signal) signal.removeEventListener("abort", onAbort);
      } catch {
        // A signal-like object may throw here; the wait settles all the same.
      }
      fn(value);
    };
    const timer = setTimeout(() => {
      controller.abort();
      settle(reject, ["timeout", undefined]);
    }, timeoutMs);
    const onAbort = () => {
      controller.abort();
      settle(reject, ["aborted", undefined]);
    };
    try {
      if (signal) signal.addEventListener("abort", onAbort);
    } catch (cause) {
      settle(reject, ["signal", cause]);
      return;
    }
    (async () => work(controller.signal))().then(
      (value) => settle(resolve, value),
      (cause) => {
        // The attempt is over: abort its fetch, so an unread body (a refused Content-Length,
        // a half-read stream) closes its connection instead of holding it open.
        controller.abort();
        settle(reject, cause instanceof TooLarge ? ["tooLarge", cause.status] : ["error", cause]);
      },
    );
  });
}

class TooLarge {
  constructor(status) {
    this.status = status;
  }
}

// Drops a body that will not be read (never throws: the response may be anything a custom
// fetch returned).
function cancel(response) {
  try {
    response.body?.cancel?.().catch(() => {});
  } catch {}
}

// The body, at most maxBytes of it: with a Content-Length within the cap and no
// Content-Encoding, one arrayBuffer(); otherwise read as a stream and cancelled at the cap, so a
// hostile or broken server cannot fill memory (wasm memory never shrinks).
async function readCapped(response, maxBytes) {
  const header = (name) => {
    try {
      return response.headers.get(name);
    } catch {
      return null;
    }
  };
  const length = Number(header("Content-Length") ?? NaN);
  if (length > maxBytes) {
    cancel(response);
    throw new TooLarge(response.status);
  }
  if (length >= 0 && !header("Content-Encoding") || !response.body?.getReader) {
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (bytes.length > maxBytes) throw new TooLarge(response.status);
    return bytes;
  }
  const reader = response.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      reader.cancel().catch(() => {});
      throw new TooLarge(response.status);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

// One POST attempt, body read included (at most maxBytes). `headers` is name/value tokens
// joined by NUL (header names and values cannot hold one); `body` a view of wasm memory, copied
// here before anything else runs. Resolves to [status, Date header, Retry-After header, body
// bytes].
export function sendOnce(fetch, url, headers, body, timeoutMs, maxBytes, signal) {
  const init = { method: "POST", headers: headersFrom(headers.split("\0")), body: body.slice() };
  return guarded(timeoutMs, signal, async (attemptSignal) => {
    init.signal = attemptSignal;
    const response = await fetch(url, init);
    // An injected fetch may resolve to something that is not a Response.
    const status = response?.status;
    if (typeof status !== "number" || !(status >= 100 && status <= 599)) {
      throw new Error("fetch resolved to something that is not a Response");
    }
    const header = (name) => {
      try {
        return response.headers.get(name) ?? undefined;
      } catch {
        return undefined;
      }
    };
    const date = header("Date");
    const retryAfter = header("Retry-After");
    return [status, date, retryAfter, await readCapped(response, maxBytes)];
  });
}

// Waits for `promise` (a credentials() answer shared by concurrent calls) within timeoutMs
// and the caller's signal; the promise itself is left alone for the other calls.
export function waitFor(promise, timeoutMs, signal) {
  return guarded(timeoutMs, signal, () => promise);
}
