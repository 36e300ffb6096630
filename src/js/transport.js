// Waiting on JavaScript promises with a time limit and the caller's AbortSignal, as ONE promise
// for the Rust side (src/transport.rs decides what every outcome means). Doing this plumbing
// here instead of in Rust saves the closures, races and futures that each crossing of the wasm
// boundary would cost (~half of a send's overhead).
//
// `guarded` settles within timeoutMs even when the work ignores its AbortSignal, and leaves no
// timer or listener behind. It resolves to the work's value; it rejects with [kind, cause],
// kind "timeout" | "aborted" | "signal" (the caller's signal refused a listener; the work
// never started) | "error" (the work threw or rejected: cause).
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
      (cause) => settle(reject, ["error", cause]),
    );
  });
}

// One fetch attempt, body read included. Resolves to [status, Date header, Retry-After header,
// body bytes].
export function sendOnce(fetch, url, init, timeoutMs, signal) {
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
    return [status, date, retryAfter, new Uint8Array(await response.arrayBuffer())];
  });
}

// Waits for `promise` (a credentials() answer shared by concurrent calls) within timeoutMs
// and the caller's signal; the promise itself is left alone for the other calls.
export function waitFor(promise, timeoutMs, signal) {
  return guarded(timeoutMs, signal, () => promise);
}
