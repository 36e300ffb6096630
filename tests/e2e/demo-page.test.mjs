// The demo page as a user meets it: served by the demo command (`make demo`), opened in headless
// Chromium, real clicks. Screenshots at 375 px and 1280 px go to artifacts/.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";
import { chromiumArgs, root, simBin, startProcess } from "./helpers.mjs";

let demo, browser;

before(async () => {
  demo = await startProcess("node", [`${root}scripts/demo.mjs`, "--port", "0", "--sim-port", "0"],
    /Demo page: (http:\/\/\S+)/, { VOLC_IM_SIM_BIN: simBin });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

/** Opens the page; `page.problems` collects console errors and page errors. */
async function openPage(width) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && page.problems.push(`console: ${m.text()}`));
  page.on("requestfailed", (r) => page.problems.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(demo.match[1]);
  // The three online devices have said hello to the simulator.
  for (const id of ["10001", "10002", "10003"]) {
    await page.locator(`.device[data-user="${id}"] .badge`, { hasText: "online" }).waitFor();
  }
  return page;
}

test("one click on Send: online devices receive it, the table agrees, ids stay exact", async () => {
  const page = await openPage(1280);
  await page.getByRole("button", { name: "Send" }).first().click();
  const rows = page.locator("#outcome tbody tr");
  await rows.first().waitFor();
  const table = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
  assert.deepEqual(table.map((r) => r[0]).sort(), ["10001", "10002", "10003", "10008"]);
  for (const [userId, code, platform] of table) {
    if (userId === "10008") assert.deepEqual([code, platform], ["NOT_ONLINE", "Default"]);
    else assert.equal(code, "SUCCESS", `row ${userId}`);
  }
  assert.deepEqual(Object.fromEntries(table.map((r) => [r[0], r[2]])),
    { 10001: "Web", 10002: "Android", 10003: "IOS", 10008: "Default" });
  // Exactly the online devices show the message, with the exact int64 conversation id.
  for (const id of ["10001", "10002", "10003"]) {
    const frame = page.locator(`.device[data-user="${id}"] .frame`);
    await frame.filter({ hasText: "7221856821303361536" }).waitFor();
    assert.match(await frame.textContent(), /from 10008 in 7221856821303361536: \{"type":1000/);
    await page.locator(`td[data-received$=":${id}"]`, { hasText: "received" }).waitFor();
  }
  assert.match(await page.locator(`.device[data-user="10008"] .frame`).textContent(), /no message yet/);
  assert.match(await page.locator("#sent").textContent(), /ConversationShortId 7221856821303361536/);
  mkdirSync(`${root}artifacts`, { recursive: true });
  await page.screenshot({ path: `${root}artifacts/demo-1280.png`, fullPage: true });
  await page.setViewportSize({ width: 375, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `page scrolls sideways by ${overflow}px at 375 px`);
  await page.screenshot({ path: `${root}artifacts/demo-375.png`, fullPage: true });
  assert.deepEqual(page.problems, [], "loading the page and clicking Send log no errors");
  await page.close();
});

test("a wrong secret shows SignatureDoesNotMatch with status and RequestId", async () => {
  const page = await openPage(1280);
  await page.getByRole("button", { name: "Send with a wrong secret" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.equal(await alert.locator('[data-field="Code"]').textContent(), "SignatureDoesNotMatch");
  assert.equal(await alert.locator('[data-field="HTTP status"]').textContent(), "401");
  assert.match(await alert.locator('[data-field="RequestId"]').textContent(), /^[0-9A-F]{20,}$/);
  assert.doesNotMatch(await page.content(), /not-the-right-secret/);
  assert.deepEqual(page.problems.filter((p) => !/status of 401/.test(p)), []);
  await page.close();
});

test("a sender outside the conversation shows ParticipantNotInConversation", async () => {
  const page = await openPage(1280);
  await page.getByRole("button", { name: "Send as a non-member" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.equal(await alert.locator('[data-field="Code"]').textContent(), "ParticipantNotInConversation");
  await page.close();
});

test("taking a device offline turns its row into NOT_ONLINE", async () => {
  const page = await openPage(1280);
  await page.getByRole("button", { name: "Take 10002 offline" }).click();
  await page.locator(`.device[data-user="10002"] .badge`, { hasText: "offline" }).waitFor();
  await page.getByRole("button", { name: "Send" }).first().click();
  await page.locator(`#outcome tr[data-user="10002"]`, { hasText: "NOT_ONLINE" }).waitFor();
  await page.locator(`#outcome tr[data-user="10001"]`, { hasText: "SUCCESS" }).waitFor();
  await page.close();
});

test("the burst button: the client's limiter queues 150 sends and the server throttles none", async () => {
  const page = await openPage(1280);
  await page.getByRole("button", { name: "Burst: 150 sends" }).click();
  const status = page.getByRole("status");
  await status.waitFor({ timeout: 30_000 });
  const text = await status.textContent();
  const details = await page.locator("#outcome").textContent();
  const [accepted, throttled, other, queued] = text.match(/\d+/g).map(Number);
  assert.equal(accepted + throttled + other, 150, text);
  assert.equal(other, 0, `${details}\n${page.problems.join("\n")}`);
  // The client's limiter queues the burst, so the server throttles none of it.
  assert.deepEqual([accepted, throttled], [150, 0], details);
  assert.ok(queued >= 40, text);
  // Chromium logs each 429 as a failed resource; nothing else may be logged.
  assert.deepEqual(page.problems.filter((p) => !/status of 429/.test(p)), []);
  await page.close();
});
