// The demo page in relay mode, in Chromium, against the real relay Worker (bundled by the pinned
// wrangler, run by Miniflare on a loopback port) in front of the demo's simulator.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Miniflare } from "miniflare";
import { chromium } from "playwright-core";
import { chromiumArgs, root } from "./helpers.mjs";
import { assertAccessible, focused, openPage, startDemo } from "./demo-helpers.mjs";

const TOKEN = "relay-token-for-the-demo-test";
let demo, browser, mf, relayUrl, outdir;

before(async () => {
  demo = await startDemo();
  outdir = mkdtempSync(join(tmpdir(), "volc-im-demo-relay-"));
  execFileSync(join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", outdir],
    { cwd: join(root, "worker"), env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" }, stdio: "pipe" });
  mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    modules: true,
    scriptPath: join(outdir, "index.js"),
    modulesRoot: outdir,
    modulesRules: [{ type: "ESModule", include: ["**/*.js"] }, { type: "CompiledWasm", include: ["**/*.wasm"] }],
    compatibilityDate: "2026-04-01",
    cf: false,
    durableObjects: { GATE: "QpsGate" },
    bindings: {
      VOLC_ACCESS_KEY_ID: "AKLTsimulator",
      VOLC_SECRET_ACCESS_KEY: "c2ltdWxhdG9yLXNlY3JldC1rZXk=",
      VOLC_ENDPOINT: demo.simUrl,
      RELAY_TOKENS: TOKEN,
      ALLOWED_ORIGINS: new URL(demo.url).origin,
      ALLOWED_APP_IDS: "666675",
    },
  });
  relayUrl = String(await mf.ready);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  await mf?.dispose();
  await demo?.stop();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

test("relay mode: inputs checked before sending, a wrong relay token instead of a wrong secret, real sends through the Worker", async () => {
  const page = await openPage(browser, demo.url);
  const outbound = [];
  page.on("request", (r) => !r.url().startsWith(demo.url) && !r.url().startsWith(demo.simUrl) && outbound.push(r.url()));
  await page.getByRole("radio", { name: "Deployed relay Worker" }).check();
  // The Worker holds the key: no "wrong secret" button, a "wrong relay token" one instead.
  assert.equal(await page.getByRole("button", { name: "Send with a wrong secret" }).count(), 0);
  await page.getByRole("button", { name: "Send with a wrong relay token" }).waitFor();
  await assertAccessible(page, "in relay mode");

  const send = page.getByRole("button", { name: "Send", exact: true });
  const url = page.getByLabel("Relay URL");
  const fieldError = async (code, field, message) => {
    await page.locator('#outcome [data-field="Code"]', { hasText: code }).waitFor();
    assert.equal(await page.locator(field).getAttribute("aria-invalid"), "true");
    assert.match(await page.locator(`${field}-error`).textContent(), message);
    assert.equal(await page.evaluate(() => `#${document.activeElement.id}`), field, "focus moves to the field to fix");
    await assertAccessible(page, `showing ${code}`);
  };

  await send.click();
  await fieldError("MissingRelayUrl", "#relay-url", /^Enter the relay URL: .*e\.g\. https:\/\/volc-im-relay\.example\.workers\.dev\.$/);
  await url.fill("volc-im-relay.example.workers.dev");
  assert.equal(await page.locator("#relay-url").getAttribute("aria-invalid"), null, "typing clears the error");
  await send.click();
  await fieldError("InvalidRelayUrl", "#relay-url", /must be a full http:\/\/ or https:\/\/ address.*got "volc-im-relay\.example\.workers\.dev"/);
  await url.fill("ftp://relay.example/");
  await send.click();
  await fieldError("InvalidRelayUrl", "#relay-url", /got "ftp:\/\/relay\.example\/"/);
  await url.fill(relayUrl);
  await send.click();
  await fieldError("MissingRelayToken", "#relay-token", /^Enter the relay token/);
  // A burst is checked once up front, not 150 times.
  await page.locator("#outcome").evaluate((n) => n.replaceChildren());
  await page.getByRole("button", { name: "Burst: 150 sends" }).click();
  await fieldError("MissingRelayToken", "#relay-token", /^Enter the relay token/);
  assert.equal(await page.locator("#outcome .summary").count(), 0);
  assert.deepEqual(outbound, [], "nothing was sent while an input was missing or malformed");

  // A wrong relay token: the Worker refuses it.
  await page.getByLabel("Relay token").fill(TOKEN);
  await page.getByRole("button", { name: "Send with a wrong relay token" }).click();
  const alert = page.getByRole("alert").filter({ hasText: "RelayUnauthorized" });
  await alert.waitFor();
  assert.equal(await alert.locator('[data-field="HTTP status"]').textContent(), "401");
  assert.equal(await focused(page), "button#wrong-token Send with a wrong relay token");

  // The right token: a real send through the Worker reaches this page's devices.
  await send.click();
  await page.locator('#outcome tr[data-user="10001"]', { hasText: "SUCCESS" }).waitFor();
  await page.locator('#outcome tr[data-user="10008"]', { hasText: "NOT_ONLINE" }).waitFor();
  await page.locator('td[data-received$=":10001"]', { hasText: "received" }).waitFor();
  await assertAccessible(page, "after a relay send");
  assert.ok(outbound.length >= 2 && outbound.every((u) => u.startsWith(relayUrl)), outbound.join("\n"));
  assert.doesNotMatch(await page.content(), new RegExp(TOKEN));

  // Back to the simulator: the wrong-secret button returns.
  await page.getByRole("radio", { name: "Local simulator" }).check();
  await page.getByRole("button", { name: "Send with a wrong secret" }).waitFor();
  assert.equal(await page.getByRole("button", { name: "Send with a wrong relay token" }).count(), 0);
  // Only the deliberate 401 (and its console line) was logged.
  assert.deepEqual(page.problems.filter((p) => !/401/.test(p)), []);
  await page.close();
});
