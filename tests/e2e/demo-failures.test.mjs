// `make demo` when something breaks: busy ports, a killed launcher, the simulator dying while the
// page is open in Chromium. The launcher must say one clear line, leave no process behind, and
// keep serving a page that tells the user what happened and what to run.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { after, afterEach, before, test } from "node:test";
import { chromium } from "playwright-core";
import { chromiumArgs, root, simBin, startProcess } from "./helpers.mjs";
import { assertAccessible, childPids, closePages, deviceBadge, freePort, openPage, startDemo } from "./demo-helpers.mjs";

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
});
afterEach(closePages);
after(() => browser?.close());

/** Runs the launcher to its exit; resolves to { code, stdout, stderr }. */
function runLauncher(env, timeoutMs = 20_000) {
  const child = spawn("node", [`${root}scripts/demo.mjs`], { env: { ...process.env, VOLC_IM_SIM_BIN: simBin, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c) => (stdout += c));
  child.stderr.on("data", (c) => (stderr += c));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((ok) => child.on("exit", (code, signal) => {
    clearTimeout(timer);
    ok({ code, signal, stdout, stderr });
  }));
}

/** Holds a port the way another program would. */
async function occupy() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { port: server.address().port, close: () => new Promise((ok) => server.close(ok)) };
}

/** Whether something accepts TCP connections on the port. */
const listening = (port) => new Promise((ok) => {
  const s = connect(port, "127.0.0.1");
  s.once("connect", () => { s.destroy(); ok(true); });
  s.once("error", () => ok(false));
});

/** Gone, or a zombie (dead, waiting for its new parent to reap it). */
function dead(pid) {
  if (!existsSync(`/proc/${pid}/stat`)) return true;
  const state = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "")[0];
  return state === "Z" || state === "X";
}

async function waitFor(check, what, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("a busy demo port: one line naming the port and PORT=…, exit 1, no simulator left running", async () => {
  const busy = await occupy();
  const simPort = await freePort();
  try {
    const r = await runLauncher({ PORT: String(busy.port), SIM_PORT: String(simPort) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `demo: demo port ${busy.port} is already in use: choose another with PORT=… make demo\n`);
    assert.doesNotMatch(r.stdout, /Demo page:/);
    assert.equal(await listening(simPort), false, "no simulator is left on SIM_PORT");
  } finally {
    await busy.close();
  }
});

test("a busy simulator port: one line naming the port and SIM_PORT=…, exit 1, nothing left listening", async () => {
  const busy = await occupy();
  const port = await freePort();
  try {
    const r = await runLauncher({ PORT: String(port), SIM_PORT: String(busy.port) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `demo: simulator port ${busy.port} is already in use: choose another with SIM_PORT=… make demo\n`);
    assert.equal(await listening(port), false, "the page server closed with the launcher");
  } finally {
    await busy.close();
  }
});

test("a port that is not a number: one line", async () => {
  const r = await runLauncher({ PORT: "80a" });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "demo: PORT=80a is not a port number (0-65535; 0 = any free port)\n");
});

test("the launcher serves www/ and pkg/ only, whatever the path's encoding", async () => {
  const demo = await startDemo();
  try {
    const status = async (path) => (await fetch(new URL(path, demo.url))).status;
    assert.equal(await status("/pkg/browser.mjs"), 200);
    for (const path of ["/pkg/..%2FCargo.toml", "/..%2FCargo.toml", "/pkg/%2e%2e/Cargo.toml", "/pkg/..%2F.git/HEAD", "/%2e%2e%2fMakefile"]) {
      assert.equal(await status(path), 404, path);
    }
  } finally {
    await demo.stop();
  }
});

test("Ctrl+C (SIGINT) stops the simulator too, and exits 0", async () => {
  const demo = await startDemo();
  const [sim] = childPids(demo.child.pid);
  assert.ok(sim, "the launcher started the simulator");
  const exited = new Promise((ok) => demo.child.once("exit", (code) => ok(code)));
  demo.child.kill("SIGINT");
  assert.equal(await exited, 0);
  assert.equal(demo.stderr(), "", "a clean stop prints nothing on stderr");
  await waitFor(() => dead(sim), `the simulator ${sim} exited`);
  assert.equal(await listening(Number(new URL(demo.simUrl).port)), false);
});

test("the launcher killed outright (SIGKILL) takes the simulator with it: no orphan", async (t) => {
  if (!existsSync("/usr/bin/setpriv")) return t.skip("needs util-linux setpriv (Linux)");
  const demo = await startDemo();
  const [sim] = childPids(demo.child.pid);
  demo.child.kill("SIGKILL");
  await waitFor(() => dead(sim), `the simulator ${sim} exited after its launcher was killed`);
  await waitFor(async () => !(await listening(Number(new URL(demo.simUrl).port))), "the simulator port closed");
});

test("the simulator dies mid-session: the page stays served, says so with the command, devices reconnect when it is back", async () => {
  const demo = await startDemo();
  try {
    const page = await openPage(browser, demo.url);
    await page.locator("#sim-health[data-state=up]").waitFor();
    const [sim] = childPids(demo.child.pid);
    process.kill(sim, "SIGKILL");

    // The launcher notices and keeps serving.
    await waitFor(() => /the simulator stopped/.test(demo.stderr()), "the launcher reports the simulator's death");
    assert.match(demo.stderr(), /^demo: the simulator stopped \(SIGKILL\); the page is still served and shows it as unreachable\. Restart with: make demo\n$/m);
    const config = await (await fetch(new URL("/demo-config.json", demo.url))).json();
    assert.equal(config.simulatorRunning, false);

    // The open page: a banner with the command, cards reconnecting, labels that match.
    // The page may first say that nothing answers, then (once it has asked the launcher) that
    // the simulator the launcher started has stopped: wait for the second.
    const banner = page
      .getByRole("alert")
      .filter({ hasText: "The simulator that make demo started has stopped; this page is still served" });
    await banner.waitFor({ timeout: 15_000 });
    assert.match(await banner.textContent(), /stop the demo \(Ctrl\+C in its terminal\) and run make demo from the project folder/);
    assert.equal(await banner.locator("code").textContent(), "make demo");
    assert.equal(await page.locator("#sim-health").getAttribute("data-state"), "down");
    for (const id of ["10001", "10002", "10003"]) {
      await deviceBadge(page, id, "reconnecting").waitFor();
      assert.equal(await page.locator(`.device[data-user="${id}"] button`).textContent(), `Stop reconnecting ${id}`);
    }
    // Backoff: attempt n waits 0.5 s × 2^(n-1), at most 10 s.
    const detail = page.locator('.device[data-user="10001"] .detail');
    const failed = detail.filter({ hasText: /^Attempt [2-9]\d* failed/ });
    await failed.waitFor({ timeout: 10_000 });
    const [, n, wait] = (await failed.textContent()).match(/^Attempt (\d+) failed; next try in ([\d.]+) s$/);
    assert.equal(Number(wait), Math.min(0.5 * 2 ** (Number(n) - 1), 10));
    assert.equal(await page.locator('.device[data-user="10008"] button').textContent(), "Bring 10008 online");
    await assertAccessible(page, "with the simulator down");

    // Send: a clear error with the command, not just "failed to fetch".
    await page.getByRole("button", { name: "Send", exact: true }).click();
    const error = page.locator("#outcome .error");
    await error.waitFor({ timeout: 30_000 });
    assert.equal(await error.locator('[data-field="Code"]').textContent(), "NetworkError");
    assert.match(await error.locator('[data-field="Hint"]').textContent(), /is not answering\. Start it with: make demo$/);
    await assertAccessible(page, "showing the network error");

    // Stop reconnecting: the card says offline and the button offers to bring it back.
    await page.getByRole("button", { name: "Stop reconnecting 10003" }).click();
    await deviceBadge(page, "10003", "offline").waitFor();
    assert.equal(await page.locator('.device[data-user="10003"] button').textContent(), "Bring 10003 online");

    // A reload is still served, and says the same from the start.
    const reloaded = await page.reload();
    assert.equal(reloaded.status(), 200);
    await page.getByRole("alert").filter({ hasText: "make demo" }).waitFor();
    await deviceBadge(page, "10001", "reconnecting").waitFor();
    await page.screenshot({ path: `${root}artifacts/demo-simulator-down.png`, fullPage: true });
    await assertAccessible(page, "reloaded with the simulator down");
    // The failures logged are the unreachable simulator's, nothing else (a request in flight
    // when it was killed is reset; later ones are refused).
    const port = new URL(demo.simUrl).port;
    const unexpected = page.problems.filter(
      (p) => !p.includes(`127.0.0.1:${port}`) && !/ERR_CONNECTION_(REFUSED|RESET)/.test(p),
    );
    assert.deepEqual(unexpected, []);

    // The simulator comes back on the same port: the page notices and the devices reconnect.
    const again = await startProcess(simBin, ["--listen", `127.0.0.1:${port}`], /listening on/);
    try {
      await page.locator("#check-now").click();
      await page.locator("#sim-health[data-state=up]").waitFor({ timeout: 20_000 });
      assert.equal(await page.locator("#sim-down").isHidden(), true);
      for (const id of ["10001", "10002", "10003"]) await deviceBadge(page, id, "online").waitFor({ timeout: 20_000 });
      await page.getByRole("button", { name: "Send", exact: true }).click();
      await page.locator('#outcome tr[data-user="10001"]', { hasText: "SUCCESS" }).waitFor();
    } finally {
      await again.stop();
    }
  } finally {
    await demo.stop();
  }
});
