// Shared by the demo page tests: start the launcher (`make demo`'s script), open the page in
// Chromium with every console error and failed request recorded, run axe-core in the page.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { root, simBin, startProcess } from "./helpers.mjs";

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The demo launcher on free ports; `.url` is the page, `.simUrl` the simulator. */
export async function startDemo(env = {}) {
  const p = await startProcess("node", [`${root}scripts/demo.mjs`],
    /Simulator: (http:\/\/\S+)\nDemo page: (http:\/\/\S+)/, { VOLC_IM_SIM_BIN: simBin, PORT: "0", SIM_PORT: "0", ...env });
  return { ...p, simUrl: p.match[1], url: p.match[2] };
}

/** The pid of the simulator the launcher started (its only child process). */
export function childPids(pid) {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}

/** A port nobody listens on now. */
export async function freePort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

const opened = new Set();
/** Closes the pages a test left open (a failed assertion skips its own close). */
export const closePages = () => Promise.all([...opened].map((p) => p.context().close().catch(() => {})));

/** Opens the page; `page.problems` collects console errors, page errors, failed requests and 4xx/5xx. */
export async function openPage(target, url, { width = 1280, height = 900, waitOnline = ["10001", "10002", "10003"] } = {}) {
  const page = await target.newPage({ viewport: { width, height } });
  opened.add(page);
  page.once("close", () => opened.delete(page));
  if (target.newContext === undefined) await page.setViewportSize({ width, height }); // a context's page
  page.problems = [];
  page.on("pageerror", (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && page.problems.push(`console: ${m.text()}`));
  page.on("requestfailed", (r) => page.problems.push(`requestfailed: ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on("response", (r) => r.status() >= 400 && page.problems.push(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`));
  await page.goto(url);
  for (const id of waitOnline) await deviceBadge(page, id, "online").waitFor();
  return page;
}

/** A device card's state badge with exactly this text. */
export const deviceBadge = (page, userId, text) =>
  page.locator(`.device[data-user="${userId}"] .badge`).filter({ hasText: new RegExp(`^${text}$`) });

/** Runs axe-core in the page (its source injected, no network); fails on serious or critical violations. */
export async function assertAccessible(page, when) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(" ")}: ${n.failureSummary.replace(/\s+/g, " ")}`) }));
  });
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  assert.deepEqual(bad, [], `axe ${when}: ${JSON.stringify(bad, null, 2)}`);
  return violations;
}

/** Whether the element's box lies fully inside the viewport. */
export const fullyInViewport = (locator) => locator.evaluate((node) => {
  const r = node.getBoundingClientRect();
  return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && r.height > 0;
});

/** The element that has focus, as "tag#id text". */
export const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  return `${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ""} ${a.textContent.trim()}`.trim();
});

/** Contrast of an element's `property` colour (e.g. outlineColor, borderTopColor) against the
 * first opaque background behind it: WCAG 1.4.11 asks ≥ 3:1 for focus rings and field borders. */
export const nonTextContrast = (locator, property) => locator.evaluate((node, prop) => {
  const rgba = (s) => {
    const [r, g, b, a = 1] = s.match(/[\d.]+/g).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (c) => ((c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = { r: 255, g: 255, b: 255 };
  for (let n = node.parentElement; n; n = n.parentElement) {
    const c = rgba(getComputedStyle(n).backgroundColor);
    if (c.a === 1) {
      bg = c;
      break;
    }
  }
  const [hi, lo] = [lum(rgba(getComputedStyle(node)[prop])), lum(bg)].sort((x, y) => y - x);
  return Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100;
}, property);
