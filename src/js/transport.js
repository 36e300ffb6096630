// One fetch attempt as ONE promise for src/transport.rs (which decides what every outcome
// means). Doing the promise plumbing here instead of in Rust saves the closures, races and
// futures that each crossing of the wasm boundary would cost (~half of a send's overhead).
//
// Settles within timeoutMs, body read included, even when `fetch` ignores its signal; leaves
// no timer or listener behind. Resolves to [status, Date header, Retry-After header, body
// bytes]; rejects with [kind, cause], kind "timeout" | "aborted" | "signal" (the caller's
// signal refused a listener; nothing was sent) | "error".
export function sendOnce(fetch, url, init, timeoutMs, signal) {
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
        // A signal-like object may throw here; the call settles all the same.
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
    init.signal = controller.signal;
    (async () => {
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
    })().then(
      (reply) => settle(resolve, reply),
      (cause) => settle(reject, ["error", cause]),
    );
  });
}
