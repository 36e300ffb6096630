// A small static file server on 127.0.0.1 (port 0) for the Chromium bench: serves the repo
// root (pkg/, benches/), `.wasm` as application/wasm, cross-origin isolated so that
// performance.now() has fine resolution.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, normalize } from "node:path";
import { root } from "./common.mjs";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".json": "application/json",
};

/** Starts the server; `pages` maps a path to generated HTML. Resolves to { url, close }. */
export function startStatic(pages = {}) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const headers = {
      "Cross-Origin-Opener-Policy": "same-origin",
      "Cross-Origin-Embedder-Policy": "require-corp",
      "Cache-Control": "no-store",
    };
    if (pages[path] !== undefined) {
      res.writeHead(200, { ...headers, "Content-Type": TYPES[".html"] });
      return res.end(pages[path]);
    }
    const rel = normalize(path).replace(/^(\.\.[/\\])+/, "").replace(/^\/+/, "");
    if (!/^(pkg|benches)\//.test(rel)) {
      res.writeHead(404);
      return res.end();
    }
    try {
      const body = await readFile(root + rel);
      res.writeHead(200, { ...headers, "Content-Type": TYPES[extname(rel)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  return new Promise((ok) =>
    server.listen(0, "127.0.0.1", () =>
      ok({ url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }),
    ),
  );
}
