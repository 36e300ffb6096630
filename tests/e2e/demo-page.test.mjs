// The demo page as a user meets it: served by the demo command (`make demo`), opened in headless
// Chromium, real clicks and keys, axe-core after each action. Screenshots at 1280 px and 375 px
// go to artifacts/ (docs/demo.png is the 1280 one).
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { after, afterEach, before, test } from "node:test";
import { chromium } from "playwright-core";
import { chromiumArgs, root } from "./helpers.mjs";
import { assertAccessible, closePages, deviceBadge, focused, fullyInViewport, nonTextContrast, openPage, startDemo } from "./demo-helpers.mjs";

let demo, browser;

before(async () => {
  demo = await startDemo();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: chromiumArgs });
  mkdirSync(`${root}artifacts`, { recursive: true });
});

afterEach(closePages);

after(async () => {
  await browser?.close();
  await demo?.stop();
});

const resultTable = (page) => page.locator("#outcome tbody tr").evaluateAll((trs) =>
  trs.map((tr) => [...tr.cells].map((c) => c.textContent.trim())));
const requestId = async (page) => (await page.locator("#outcome .meta").textContent()).replace("RequestId ", "");

test("one click on Send: online devices receive it, the table agrees, ids stay exact, nothing fails", async () => {
  const page = await openPage(browser, demo.url);
  await page.locator("#sim-health", { hasText: /^\s*Simulator running at http:\/\/127\.0\.0\.1:\d+ · 3 users online over 3 device connections/ }).waitFor();
  await assertAccessible(page, "on load");
  // What axe does not check: field borders against their background (WCAG 1.4.11, ≥ 3:1).
  for (const field of await page.locator("input:not([type=radio]):visible, textarea").all()) {
    const ratio = await nonTextContrast(field, "borderTopColor");
    assert.ok(ratio >= 3, `${await field.evaluate((n) => n.name || n.id)} border contrast ${ratio}:1`);
  }
  assert.equal(await page.getByRole("button", { name: "Send", exact: true }).count(), 1);
  await page.getByRole("button", { name: "Send", exact: true }).click();
  const rows = page.locator("#outcome tbody tr");
  await rows.first().waitFor();
  const table = await resultTable(page);
  assert.deepEqual(table.map((r) => r[0]).sort(), ["10001", "10002", "10003", "10008"]);
  for (const [userId, code, platform] of table) {
    if (userId === "10008") assert.deepEqual([code, platform], ["NOT_ONLINE", "Default"]);
    else assert.equal(code, "SUCCESS", `row ${userId}`);
  }
  assert.deepEqual(Object.fromEntries(table.map((r) => [r[0], r[2]])),
    { 10001: "Web", 10002: "Android", 10003: "IOS", 10008: "Default" });
  // Each code is alone in its own plain-text element.
  const codes = await page.locator('#outcome td[data-label="Code"] > span').evaluateAll((spans) =>
    spans.map((s) => [s.childElementCount, s.textContent]));
  assert.deepEqual(codes.map(([n]) => n), [0, 0, 0, 0]);
  assert.deepEqual(codes.map(([, t]) => t).sort(), ["NOT_ONLINE", "SUCCESS", "SUCCESS", "SUCCESS"]);
  // Exactly the online devices show the message, with the exact int64 conversation id.
  for (const id of ["10001", "10002", "10003"]) {
    const frame = page.locator(`.device[data-user="${id}"] .frame`);
    await frame.filter({ hasText: "7221856821303361536" }).waitFor();
    assert.match(await frame.textContent(), /from 10008 in 7221856821303361536: \{"type":1000/);
    await page.locator(`td[data-received$=":${id}"]`, { hasText: "received" }).waitFor();
  }
  assert.equal(await page.locator(`td[data-received$=":10008"]`).textContent(), "not connected here");
  assert.match(await page.locator(`.device[data-user="10008"] .frame`).textContent(), /no message yet/);
  assert.match(await page.locator("#sent").textContent(), /ConversationShortId 7221856821303361536/);
  await page.locator("#announce", { hasText: "SUCCESS: " }).waitFor();
  assert.match(await page.locator("#announce").textContent(), /^Sent\. (SUCCESS: [\d, ]+\. NOT_ONLINE: 10008|NOT_ONLINE: 10008\. SUCCESS: [\d, ]+)\.$/);
  await assertAccessible(page, "after Send");
  // The simulator's probe endpoint answers 200 with CORS for the page's origin.
  const probe = await page.evaluate(async (u) => {
    const r = await fetch(new URL("/sim/stats", u));
    return { status: r.status, online: (await r.json()).online };
  }, demo.simUrl);
  assert.deepEqual(probe, { status: 200, online: 3 });
  await page.mouse.move(0, 0); // no hover state in the picture
  await page.screenshot({ path: `${root}artifacts/demo-1280.png`, fullPage: true });
  assert.deepEqual(page.problems, [], "loading the page and clicking Send log no errors and no failed request");
  await page.close();
});

test("keyboard only: Tab reaches Send, Enter sends twice in a row, focus stays where the user acted", async () => {
  const page = await openPage(browser, demo.url);
  // Tab from the top: every stop shows a focus ring, and Send is reached through the form.
  const stops = [];
  for (let i = 0; i < 15 && !(await focused(page)).startsWith("button#send"); i++) {
    await page.keyboard.press("Tab");
    const stop = await page.evaluate(() => {
      const a = document.activeElement;
      const s = getComputedStyle(a);
      return { name: a.name || a.id || a.textContent.trim(), ring: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2 };
    });
    stop.contrast = await nonTextContrast(page.locator(":focus"), "outlineColor");
    stops.push(stop);
  }
  assert.deepEqual(stops.map((s) => s.name),
    ["AppId", "Sender", "MsgType", "ConversationShortId", "ReceiverUserId", "IgnoreUserIds", "Content", "send"]);
  assert.ok(stops.every((s) => s.ring && s.contrast >= 3), `a focus ring of ≥ 3:1 on every stop: ${JSON.stringify(stops)}`);

  await page.keyboard.press("Enter");
  await page.locator("#outcome tbody tr").first().waitFor();
  const first = await requestId(page);
  assert.equal(await focused(page), "button#send Send", "focus stays on Send after the first send");
  await page.locator("#send:not([aria-disabled])").waitFor();
  await page.keyboard.press("Enter");
  await page.locator("#outcome .meta").filter({ hasNotText: first }).waitFor();
  assert.notEqual(await requestId(page), first, "the second Enter sent again");
  assert.equal(await focused(page), "button#send Send", "focus stays on Send after the second send");
  await assertAccessible(page, "after two sends by keyboard");

  // On to the device toggles; the focused button survives its own toggle and incoming frames.
  for (let i = 0; i < 15 && (await focused(page)) !== "button Take 10001 offline"; i++) await page.keyboard.press("Tab");
  assert.equal(await focused(page), "button Take 10001 offline");
  await page.evaluate(() => (document.activeElement.dataset.mark = "acted-on"));
  const mark = '[data-mark="acted-on"]';
  const before = await requestId(page);
  await page.evaluate(() => document.querySelector("#compose").requestSubmit());
  await page.locator("#outcome .meta").filter({ hasNotText: before }).waitFor();
  await page.locator('td[data-received$=":10001"]', { hasText: "received" }).waitFor();
  assert.ok(await page.locator(mark).evaluate((b) => b === document.activeElement), "a frame arriving keeps focus");
  await page.keyboard.press("Enter");
  await deviceBadge(page, "10001", "offline").waitFor();
  assert.equal(await focused(page), "button Bring 10001 online");
  assert.ok(await page.locator(mark).evaluate((b) => b === document.activeElement), "the same button keeps focus");
  await assertAccessible(page, "after taking 10001 offline");
  await page.keyboard.press("Enter");
  await deviceBadge(page, "10001", "online").waitFor();
  assert.equal(await focused(page), "button Take 10001 offline");
  assert.ok(await page.locator(mark).evaluate((b) => b === document.activeElement));
  // Space works too (a real button).
  await page.keyboard.press("Space");
  await deviceBadge(page, "10001", "offline").waitFor();
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a phone at 375×800: form first, Send on the first screen, the result scrolled into view at once, no sideways scroll", async () => {
  const page = await openPage(browser, demo.url, { width: 375, height: 800 });
  const order = await page.locator("main > section h2").allTextContents();
  assert.equal(order[0], "Compose");
  const send = page.getByRole("button", { name: "Send", exact: true });
  assert.ok(await fullyInViewport(send), `Send is on the first screen: ${JSON.stringify(await send.boundingBox())}`);
  const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - innerWidth);
  assert.ok((await sideways()) <= 0, `page scrolls sideways by ${await sideways()}px at 375 px`);
  await assertAccessible(page, "on load at 375 px");
  await page.screenshot({ path: `${root}artifacts/demo-375-load.png` });

  // From the row's appearance to its being fully on screen: under 0.5 s.
  const watch = page.evaluate(() => new Promise((done) => {
    let appeared = 0;
    const start = performance.now();
    const tick = () => {
      const row = document.querySelector("#outcome tbody tr");
      if (row && !appeared) appeared = performance.now();
      const r = row?.getBoundingClientRect();
      if (r && r.top >= 0 && r.bottom <= innerHeight) return done({ wait: performance.now() - appeared, total: performance.now() - start });
      if (performance.now() - start > 10_000) return done({ wait: Infinity, appeared: Boolean(appeared) });
      requestAnimationFrame(tick);
    };
    tick();
  }));
  await send.focus();
  await page.keyboard.press("Enter");
  const timing = await watch;
  assert.ok(timing.wait < 500, `first result row fully visible ${timing.wait} ms after it appeared`);
  assert.equal(await focused(page), "button#send Send");
  assert.ok(await fullyInViewport(page.locator("#outcome tbody tr").first()));
  assert.ok((await sideways()) <= 0, `the result table scrolls sideways by ${await sideways()}px`);
  // The table became cards: each cell fits the card's width.
  const clipped = await page.locator("#outcome td").evaluateAll((tds) =>
    tds.filter((td) => td.scrollWidth > td.clientWidth + 1).map((td) => td.textContent));
  assert.deepEqual(clipped, []);
  await assertAccessible(page, "after Send at 375 px");
  await page.screenshot({ path: `${root}artifacts/demo-375.png` });
  await page.screenshot({ path: `${root}artifacts/demo-375-full.png`, fullPage: true });
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("a wrong secret shows SignatureDoesNotMatch with status and RequestId", async () => {
  const page = await openPage(browser, demo.url);
  await page.getByRole("button", { name: "Send with a wrong secret" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.equal(await alert.locator('[data-field="Code"]').textContent(), "SignatureDoesNotMatch");
  assert.equal(await alert.locator('[data-field="HTTP status"]').textContent(), "401");
  assert.match(await alert.locator('[data-field="RequestId"]').textContent(), /^[0-9A-F]{20,}$/);
  assert.doesNotMatch(await page.content(), /not-the-right-secret/);
  await assertAccessible(page, "showing an error");
  // Only the deliberate 401 is logged.
  assert.deepEqual(page.problems.filter((p) => !/status of 401|HTTP 401: POST/.test(p)), []);
  assert.equal(page.problems.length, 2, page.problems.join("\n"));
  await page.close();
});

test("a sender outside the conversation shows ParticipantNotInConversation", async () => {
  const page = await openPage(browser, demo.url);
  await page.getByRole("button", { name: "Send as a non-member" }).click();
  const alert = page.getByRole("alert");
  await alert.waitFor();
  assert.equal(await alert.locator('[data-field="Code"]').textContent(), "ParticipantNotInConversation");
  await page.close();
});

test("taking a device offline turns its row into NOT_ONLINE; buttons say what they do", async () => {
  const page = await openPage(browser, demo.url);
  assert.equal(await page.locator('.device[data-user="10008"] button').textContent(), "Bring 10008 online");
  await page.getByRole("button", { name: "Take 10002 offline" }).click();
  await deviceBadge(page, "10002", "offline").waitFor();
  assert.equal(await page.locator('.device[data-user="10002"] button').textContent(), "Bring 10002 online");
  await page.getByRole("button", { name: "Send", exact: true }).click();
  await page.locator(`#outcome tr[data-user="10002"]`, { hasText: "NOT_ONLINE" }).waitFor();
  await page.locator(`#outcome tr[data-user="10001"]`, { hasText: "SUCCESS" }).waitFor();
  await assertAccessible(page, "after a toggle and a send");
  assert.deepEqual(page.problems, []);
  await page.close();
});

test("two tabs: a user online in the other tab counts as online, and the page says so", async () => {
  const context = await browser.newContext();
  const a = await openPage(context, demo.url);
  const b = await openPage(context, demo.url);
  await b.getByRole("button", { name: "Take 10002 offline" }).click();
  await deviceBadge(b, "10002", "offline").waitFor();
  const note = b.locator('.device[data-user="10002"] .elsewhere');
  await note.filter({ hasText: "Online in 1 other tab of this page" }).waitFor();
  assert.match(await b.locator(".presence-rule").textContent(), /counts as online while any of their devices is connected/);
  await b.getByRole("button", { name: "Send", exact: true }).click();
  const row = b.locator('#outcome tr[data-user="10002"]');
  await row.waitFor();
  assert.deepEqual(await row.evaluate((tr) => [...tr.cells].map((c) => c.textContent)),
    ["10002", "SUCCESS", "Android", "online in another tab"]);
  // The other tab's device got it.
  await a.locator('.device[data-user="10002"] .frame').filter({ hasText: "7221856821303361536" }).waitFor();
  await assertAccessible(b, "with a device online elsewhere");

  // Offline in both tabs: NOT_ONLINE, and the note goes away.
  await a.getByRole("button", { name: "Take 10002 offline" }).click();
  await deviceBadge(a, "10002", "offline").waitFor();
  await note.waitFor({ state: "hidden" });
  await b.getByRole("button", { name: "Send", exact: true }).click();
  await b.locator('#outcome tr[data-user="10002"]', { hasText: "NOT_ONLINE" }).waitFor();
  assert.deepEqual([...a.problems, ...b.problems], []);
  await context.close();
});

test("the burst button: the client's limiter queues 150 sends and the server throttles none", async () => {
  const page = await openPage(browser, demo.url);
  const burst = page.getByRole("button", { name: "Burst: 150 sends" });
  await burst.click();
  const summary = page.locator("#outcome .summary");
  await summary.waitFor({ timeout: 30_000 });
  assert.equal(await focused(page), "button#burst Burst: 150 sends");
  const text = await summary.textContent();
  const details = await page.locator("#outcome").textContent();
  const [accepted, throttled, other, queued] = text.match(/\d+/g).map(Number);
  assert.equal(accepted + throttled + other, 150, text);
  assert.equal(other, 0, `${details}\n${page.problems.join("\n")}`);
  // The client's limiter queues the burst, so the server throttles none of it.
  assert.deepEqual([accepted, throttled], [150, 0], details);
  assert.ok(queued >= 40, text);
  await page.locator("#announce", { hasText: "Burst done: 150 accepted" }).waitFor();
  await assertAccessible(page, "after a burst");
  // On a loaded machine requests the limiter spaced can still reach the server together; Chromium
  // logs each 429 (retried by the client). Nothing else may be logged.
  assert.deepEqual(page.problems.filter((p) => !/status of 429|^HTTP 429: POST/.test(p)), []);
  await page.close();
});
