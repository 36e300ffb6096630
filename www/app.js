// The demo page: composes a P2PSendMessage, sends it with the volc-im package (or through a
// relay Worker), and shows per-user results next to what each simulated device received.
// Elements the user can focus are built once and updated in place, so focus is never lost.
import { ImClient, isVolcError, P2P_SEND_MESSAGE } from "volc-im";

const $ = (sel) => document.querySelector(sel);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
};

/** Writes a short sentence to the polite live region (cleared first so a repeat is re-read). */
function announce(text) {
  const region = $("#announce");
  region.textContent = "";
  setTimeout(() => (region.textContent = text), 30);
}

// ---- Configuration from the launcher ------------------------------------------------------
let config;
try {
  const r = await fetch("/demo-config.json", { cache: "no-store" });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  config = await r.json();
} catch (e) {
  config = { simulator: "http://127.0.0.1:8780", simulatorRunning: null, configError: e.message };
}
$("#endpoint").value = config.simulator;
const START = config.startCommand ?? "make demo";

// ---- Simulator health: GET /sim/stats, polled; failures back off --------------------------
const health = { up: null, failures: 0, timer: 0 };

function buildBanner() {
  const banner = $("#sim-down");
  banner.append(
    el("h2", {}, "The simulator is not answering"),
    el("p", { id: "sim-down-why" }),
    el("p", {}, el("span", { id: "sim-down-do" }), el("code", { class: "cmd" }, START),
      " from the project folder. This page checks again every few seconds and its devices reconnect on their own."),
    el("button", { type: "button", class: "secondary", id: "check-now", onclick: () => checkHealth() }, "Check again now"));
}

function setHealth(up, stats, running) {
  const wasUp = health.up;
  health.up = up;
  $("#sim-health").dataset.state = up ? "up" : "down";
  $("#sim-health-text").textContent = up
    ? `Simulator running at ${config.simulator} · ${stats.online} ${stats.online === 1 ? "user" : "users"} online over ` +
      `${stats.connections} device ${stats.connections === 1 ? "connection" : "connections"} (all tabs and clients)`
    : `Simulator not answering at ${config.simulator}`;
  $("#sim-down").hidden = up;
  if (!up) {
    const stopped = running === false;
    $("#sim-down-why").textContent = stopped
      ? `The simulator that ${START} started has stopped; this page is still served, but nothing answers at ${config.simulator}.`
      : `Nothing answers at ${config.simulator}${config.configError ? ` (and /demo-config.json failed: ${config.configError})` : ""}.`;
    $("#sim-down-do").textContent = stopped ? "To restart it, stop the demo (Ctrl+C in its terminal) and run " : "Start it with ";
  }
  if (up && wasUp === false) {
    for (const d of devices) if (d.wantOnline && !d.socket) connect(d, { fresh: true });
  }
}

/** One check at a time; callers during a check share it. */
function checkHealth() {
  health.pending ??= probe().finally(() => (health.pending = null));
  return health.pending;
}

async function probe() {
  clearTimeout(health.timer);
  let stats = null;
  try {
    const r = await fetch(new URL("/sim/stats", config.simulator), { cache: "no-store" });
    if (r.ok) stats = await r.json();
  } catch {
    // unreachable: reported below
  }
  let running = config.simulatorRunning;
  if (!stats) {
    // The launcher knows whether its simulator process is still alive.
    running = await fetch("/demo-config.json", { cache: "no-store" })
      .then((r) => (r.ok ? r.json() : null)).then((c) => c?.simulatorRunning ?? null, () => null);
  }
  health.failures = stats ? 0 : health.failures + 1;
  setHealth(Boolean(stats), stats, running);
  health.timer = setTimeout(checkHealth, stats ? 5000 : Math.min(1000 * 2 ** health.failures, 15000));
}

// ---- Presence across tabs: each tab tells the others which of its devices are online --------
const tabId = globalThis.crypto?.randomUUID?.() ?? String(Math.random());
const otherTabs = new Map(); // tabId -> Set of UserIds online there
const channel = "BroadcastChannel" in globalThis ? new BroadcastChannel("volc-im-demo-presence") : null;

let refreshTimer = 0;
/** Re-reads the simulator's counts shortly after presence changed here or in another tab. */
function refreshSoon() {
  if (!health.up) return; // while it is down, the health loop's own backoff decides
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(checkHealth, 150);
}

function publishPresence(ask = false) {
  channel?.postMessage({ tabId, ask, online: devices.filter((d) => d.state === "online").map((d) => d.userId) });
  refreshSoon();
}
const onlineElsewhere = (userId) => [...otherTabs.values()].filter((s) => s.has(userId)).length;

if (channel) {
  channel.onmessage = ({ data }) => {
    if (data.bye) otherTabs.delete(data.tabId);
    else otherTabs.set(data.tabId, new Set(data.online));
    if (data.ask) publishPresence();
    for (const d of devices) renderDevice(d);
    refreshSoon();
  };
  addEventListener("pagehide", () => channel.postMessage({ tabId, bye: true }));
}

// ---- Simulated devices: WebSocket clients of the simulator -------------------------------
const devices = [
  { userId: "10001", platform: "Web", wantOnline: true },
  { userId: "10002", platform: "Android", wantOnline: true },
  { userId: "10003", platform: "IOS", wantOnline: true },
  { userId: "10008", platform: "Web", wantOnline: false },
].map((d) => ({ ...d, state: "offline", attempt: 0, retryMs: 0 }));
const receivedBy = new Map(); // RequestId -> Set of UserIds whose device here got the frame

function buildDevice(d) {
  d.ui = {
    badge: el("span", { class: "badge" }),
    detail: el("span", { class: "detail" }),
    elsewhere: el("p", { class: "elsewhere" }),
    frame: el("div", { class: "frame" }),
    button: el("button", { type: "button", class: "secondary", onclick: () => toggle(d) }),
  };
  d.ui.card = el("li", { class: "device", "data-user": d.userId },
    el("div", { class: "top" },
      el("span", { class: "who" }, d.userId, el("span", { class: "muted" }, ` · ${d.platform}`)), d.ui.badge),
    d.ui.detail, d.ui.elsewhere, d.ui.frame, d.ui.button);
  $("#devices").append(d.ui.card);
}

const badgeClass = { online: "ok", offline: "off", connecting: "warn", reconnecting: "warn", closing: "off" };
const badgeText = { online: "online", offline: "offline", connecting: "connecting…", reconnecting: "reconnecting", closing: "going offline…" };

function renderDevice(d) {
  const { ui } = d;
  ui.card.classList.toggle("online", d.state === "online");
  ui.card.dataset.state = d.state;
  ui.badge.className = `badge ${badgeClass[d.state]}`;
  ui.badge.textContent = badgeText[d.state];
  ui.detail.textContent = d.state !== "reconnecting" ? ""
    : d.socket ? `Trying again (attempt ${d.attempt + 1})…`
    : `Attempt ${d.attempt} failed; next try in ${Math.round(d.retryMs / 100) / 10} s`;
  ui.detail.hidden = !ui.detail.textContent;
  const elsewhere = onlineElsewhere(d.userId);
  ui.elsewhere.textContent = elsewhere
    ? `Online in ${elsewhere} other ${elsewhere === 1 ? "tab" : "tabs"} of this page, so the simulator counts ${d.userId} as online.`
    : "";
  ui.elsewhere.hidden = !elsewhere;
  // The label says what pressing it does in the current state.
  ui.button.textContent = !d.wantOnline ? `Bring ${d.userId} online`
    : d.state === "reconnecting" ? `Stop reconnecting ${d.userId}` : `Take ${d.userId} offline`;
  const last = d.last;
  const frameKey = last ? last.RequestId : "";
  if (ui.frame.dataset.key !== frameKey || !ui.frame.firstChild) {
    ui.frame.dataset.key = frameKey;
    ui.frame.replaceChildren(last
      ? el("span", {}, `from ${last.Sender} in ${last.ConversationShortId}: `, el("span", { class: "content" }, last.Content))
      : el("span", { class: "muted" }, "no message yet"));
  }
}

function flash(d) {
  d.ui.card.classList.add("flash");
  clearTimeout(d.flashTimer);
  d.flashTimer = setTimeout(() => d.ui.card.classList.remove("flash"), 900);
}

function connect(d, { fresh = false } = {}) {
  clearTimeout(d.retryTimer);
  if (fresh) d.attempt = 0;
  const appId = $("#compose").AppId.value.trim() || "666675";
  const url = new URL("/sim/connect", config.simulator.replace(/^http/, "ws"));
  url.search = new URLSearchParams({ AppId: appId, UserId: d.userId, Platform: d.platform });
  const socket = new WebSocket(url);
  d.socket = socket;
  d.state = d.attempt ? "reconnecting" : "connecting";
  socket.onmessage = (ev) => {
    let frame;
    try {
      frame = JSON.parse(ev.data);
    } catch {
      return;
    }
    if (frame.type === "hello") {
      d.state = "online";
      d.attempt = 0;
      publishPresence();
    }
    if (frame.type === "message") {
      d.last = frame;
      if (!receivedBy.has(frame.RequestId)) receivedBy.set(frame.RequestId, new Set());
      receivedBy.get(frame.RequestId).add(d.userId);
      markReceived(frame.RequestId, d.userId);
      flash(d);
    }
    renderDevice(d);
  };
  socket.onclose = () => {
    if (d.socket !== socket) return;
    d.socket = undefined;
    if (d.wantOnline) {
      // Back off: 0.5 s, 1 s, 2 s, … up to 10 s; the health check says why it fails.
      d.attempt++;
      d.retryMs = Math.min(500 * 2 ** (d.attempt - 1), 10_000);
      d.state = "reconnecting";
      d.retryTimer = setTimeout(() => connect(d), d.retryMs);
      if (d.attempt === 1) checkHealth();
    } else {
      d.state = "offline";
    }
    renderDevice(d);
    publishPresence();
  };
  renderDevice(d);
}

function toggle(d) {
  d.wantOnline = !d.wantOnline;
  clearTimeout(d.retryTimer);
  if (d.wantOnline) {
    // A socket still closing is abandoned (its close event is then ignored).
    if (d.socket && d.socket.readyState >= WebSocket.CLOSING) d.socket = undefined;
    if (!d.socket) connect(d, { fresh: true });
  } else if (d.socket) {
    // Offline once the simulator has closed the socket, so a send right after sees it.
    d.state = "closing";
    d.socket.close();
  } else {
    d.state = "offline";
    d.attempt = 0;
  }
  renderDevice(d);
  publishPresence();
}

// ---- Sending -------------------------------------------------------------------------------
const ids = (text) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
const int32 = (text) => (text.trim() === "" ? undefined : Number(text.trim()));

function readBody(overrides = {}) {
  const f = $("#compose");
  const body = {
    AppId: int32(f.AppId.value),
    Sender: f.Sender.value.trim(),
    ConversationShortId: f.ConversationShortId.value.trim(),
    MsgType: int32(f.MsgType.value),
    Content: f.Content.value,
  };
  if (ids(f.ReceiverUserId.value).length) body.ReceiverUserId = ids(f.ReceiverUserId.value);
  if (ids(f.IgnoreUserIds.value).length) body.IgnoreUserIds = ids(f.IgnoreUserIds.value);
  return { ...body, ...overrides };
}

const mode = () => document.querySelector('input[name="mode"]:checked').value;
const ROUTE = "/v1/p2p-send-message";
const inputError = (code, field, message) => Object.assign(new Error(message), { code, field });

/** The relay's send URL, or a typed error naming the field to fix, before anything is sent. */
function relayEndpoint() {
  const raw = $("#relay-url").value.trim();
  const example = "e.g. https://volc-im-relay.example.workers.dev";
  if (!raw) throw inputError("MissingRelayUrl", "#relay-url", `Enter the relay URL: the address of your deployed relay Worker, ${example}.`);
  let url = null;
  try {
    url = new URL(raw);
  } catch {
    // reported below
  }
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) {
    throw inputError("InvalidRelayUrl", "#relay-url",
      `The relay URL must be a full http:// or https:// address, ${example}; got "${raw.slice(0, 80)}".`);
  }
  const path = url.pathname.replace(/\/+$/, "");
  url.pathname = path.endsWith(ROUTE) ? path : `${path}${ROUTE}`;
  url.search = url.hash = "";
  return url;
}

/** Both relay inputs checked; the send URL. */
function relayInputs(token) {
  const url = relayEndpoint();
  if (!token) throw inputError("MissingRelayToken", "#relay-token", "Enter the relay token the Worker was configured with (RELAY_TOKENS).");
  return url;
}

async function sendViaRelay(body, token) {
  const url = relayInputs(token);
  let res;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  } catch (e) {
    throw Object.assign(new Error(`cannot reach the relay at ${url.origin} (${e.message}); check the URL, and that the ` +
      "Worker's ALLOWED_ORIGINS lists this page's origin"), { code: "NetworkError", hint: `This page's origin is ${location.origin}.` });
  }
  const json = await res.json().catch(() => null);
  const e = json?.ResponseMetadata?.Error;
  if (!res.ok || e || !json?.Result) {
    throw Object.assign(new Error(e?.Message ?? `the relay answered HTTP ${res.status} without a ${P2P_SEND_MESSAGE} response: is ${url.origin} the relay Worker?`), {
      code: e?.Code ?? "RelayBadResponse", codeN: e?.CodeN, requestId: json?.ResponseMetadata?.RequestId || undefined, status: res.status,
    });
  }
  return json;
}

/** One send, through the package (simulator) or the relay Worker; resolves to the envelope. */
function send(body, { secret, token } = {}) {
  if (mode() === "relay") return sendViaRelay(body, token ?? $("#relay-token").value);
  return clientFor(secret ?? $("#sk").value).p2pSendMessage(body);
}

// One client per key pair, so its QPS limiter (100/s by default, the vendor's limit) spaces a
// burst instead of letting the server throttle it.
const clients = new Map();
let queuedByLimiter = 0;
function clientFor(secret) {
  const key = `${$("#ak").value.trim()}\n${secret}\n${config.simulator}`;
  if (!clients.has(key)) {
    clients.set(key, new ImClient({
      accessKeyId: $("#ak").value.trim(),
      secretAccessKey: secret,
      endpoint: config.simulator,
      onEvent: (e) => { if (e.type === "throttle") queuedByLimiter++; },
    }));
  }
  return clients.get(key);
}

/** Shows the outcome and brings its first line into view at once (no smooth scroll). */
function showOutcome(...nodes) {
  $("#outcome").replaceChildren(...nodes);
  const first = $("#outcome tbody tr") ?? $("#outcome").firstElementChild;
  first?.scrollIntoView({ block: "nearest", behavior: "instant" });
}

function clearFieldErrors() {
  for (const id of ["#relay-url", "#relay-token"]) {
    $(id).removeAttribute("aria-invalid");
    $(`${id}-error`).hidden = true;
  }
}

function showError(err) {
  if (err.field) {
    // An input to fix: say so beside the field and take the user there.
    $(err.field).setAttribute("aria-invalid", "true");
    const note = $(`${err.field}-error`);
    note.textContent = err.message;
    note.hidden = false;
    $(err.field).focus({ preventScroll: true });
    $(err.field).scrollIntoView({ block: "center", behavior: "instant" });
  }
  let hint = err.hint;
  if (err.code === "NetworkError" && mode() === "simulator") {
    hint = `The simulator at ${config.simulator} is not answering. Start it with: ${START}`;
    checkHealth();
  }
  const rows = [["Code", err.code ?? "unknown"], ["Message", err.message], ["RequestId", err.requestId ?? "—"],
    ["HTTP status", err.status ?? "—"], ["CodeN", err.codeN ?? "—"]];
  if (hint) rows.push(["Hint", hint]);
  const block = el("div", { class: "error", role: "alert" },
    el("h3", {}, isVolcError(err) ? `VolcError: ${err.code}` : `Error: ${err.code ?? "unknown"}`),
    el("dl", {}, ...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", { "data-field": k }, String(v))])));
  if (err.field) $("#outcome").replaceChildren(block);
  else showOutcome(block);
}

function markReceived(requestId, userId) {
  const cell = document.querySelector(`td[data-received="${requestId}:${userId}"]`);
  if (cell) cell.replaceChildren(el("span", { class: "badge ok" }, "received"));
}

/** What this tab's device of a user did with a result row's message. */
function deviceCell(requestId, r) {
  if (receivedBy.get(requestId)?.has(r.UserId)) return el("span", { class: "badge ok" }, "received");
  const d = devices.find((x) => x.userId === r.UserId);
  if (d && d.state === "online") return el("span", { class: "badge off" }, "no frame");
  if (r.Code !== "SUCCESS") return el("span", { class: "badge off" }, d ? "not connected here" : "no device here");
  return el("span", { class: "badge info" }, onlineElsewhere(r.UserId) ? "online in another tab" : "online in another client");
}

function showResult(res) {
  const requestId = res.ResponseMetadata.RequestId;
  const results = res.Result.P2PResult;
  const cell = (label, content, attrs = {}) => el("td", { role: "cell", "data-label": label, ...attrs }, content);
  const rows = results.map((r) => el("tr", { role: "row", "data-user": r.UserId },
    cell("UserId", r.UserId),
    cell("Code", el("span", { class: `badge code ${r.Code === "SUCCESS" ? "ok" : "off"}` }, r.Code)),
    cell("DevicePlatform", r.DevicePlatform),
    cell("This tab's device", deviceCell(requestId, r), { "data-received": `${requestId}:${r.UserId}` })));
  const th = (text) => el("th", { role: "columnheader", scope: "col" }, text);
  showOutcome(
    el("div", { class: "table-wrap" }, el("table", { role: "table" },
      el("caption", { class: "sr-only" }, "P2PResult: one row per targeted user"),
      el("thead", { role: "rowgroup" }, el("tr", { role: "row" }, th("UserId"), th("Code"), th("DevicePlatform"), th("This tab's device"))),
      el("tbody", { role: "rowgroup" }, ...rows))),
    el("p", { class: "meta" }, `RequestId ${requestId}`));
  const byCode = new Map();
  for (const r of results) byCode.set(r.Code, [...(byCode.get(r.Code) ?? []), r.UserId]);
  announce(`Sent. ${[...byCode].map(([code, users]) => `${code}: ${users.join(", ")}`).join(". ")}.`);
}

// One action at a time. Buttons stay enabled and focusable (aria-disabled while busy), so the
// one the user pressed keeps focus and Enter works again once the send is done.
const actionButtons = ["#send", "#wrong-secret", "#wrong-token", "#outsider", "#burst"].map((s) => $(s));
let busy = false;
async function run(work) {
  if (busy) return;
  busy = true;
  for (const b of actionButtons) b.setAttribute("aria-disabled", "true");
  $("#outcome").setAttribute("aria-busy", "true");
  clearFieldErrors();
  try {
    await work();
  } catch (err) {
    showError(err);
  } finally {
    busy = false;
    for (const b of actionButtons) b.removeAttribute("aria-disabled");
    $("#outcome").removeAttribute("aria-busy");
  }
}

function showSent(body) {
  $("#sent").textContent = `Sent: ConversationShortId ${body.ConversationShortId} · Sender ${body.Sender} · MsgType ${body.MsgType}`;
}

$("#compose").addEventListener("submit", (ev) => {
  ev.preventDefault();
  run(async () => {
    const body = readBody();
    showSent(body);
    showResult(await send(body));
  });
});

$("#wrong-secret").addEventListener("click", () =>
  run(async () => showResult(await send(readBody(), { secret: "not-the-right-secret" }))));

$("#wrong-token").addEventListener("click", () =>
  run(async () => showResult(await send(readBody(), { token: "not-the-right-relay-token" }))));

$("#outsider").addEventListener("click", () =>
  run(async () => {
    const body = readBody({ Sender: "424242" });
    showSent(body);
    showResult(await send(body));
  }));

$("#burst").addEventListener("click", () =>
  run(async () => {
    const body = readBody({ Content: "burst" });
    const viaRelay = mode() === "relay";
    if (viaRelay) relayInputs($("#relay-token").value); // a bad input fails once, not 150 times
    queuedByLimiter = 0;
    const started = performance.now();
    const outcomes = await Promise.allSettled(Array.from({ length: 150 }, () => send(body)));
    const ms = Math.round(performance.now() - started);
    const count = (pred) => outcomes.filter(pred).length;
    const ok = count((o) => o.status === "fulfilled");
    const throttled = count((o) => o.status === "rejected" && /FlowLimitExceeded|RelayRateLimited/.test(o.reason.code));
    const other = outcomes.length - ok - throttled;
    const otherCodes = [...new Set(outcomes.filter((o) => o.status === "rejected" && !/FlowLimitExceeded|RelayRateLimited/.test(o.reason.code))
      .map((o) => `${o.reason.code}: ${o.reason.message}`))];
    showOutcome(
      el("div", { class: "summary" },
        el("span", { class: "badge ok" }, `${ok} accepted`),
        el("span", { class: `badge ${throttled ? "warn" : "ok"}` }, `${throttled} throttled`),
        el("span", { class: `badge ${other ? "err" : "ok"}` }, `${other} other errors`),
        viaRelay ? null : el("span", { class: "badge off" }, `${queuedByLimiter} queued by the client`)),
      el("p", { class: "meta" }, `150 sends in ${ms} ms. The vendor (and the simulator) allow 100 requests per app in any 1 s window; ` +
        (viaRelay ? "the relay's gate spaces a burst." : "the client's QPS limiter spaces a burst so the server does not throttle it.")),
      ...otherCodes.map((c) => el("p", { class: "meta" }, c)));
    announce(`Burst done: ${ok} accepted, ${throttled} throttled, ${other} other errors.`);
  }));

// Relay mode: the Worker holds the key, so a wrong secret cannot be sent from here; a wrong
// relay token can.
function applyMode() {
  const relay = mode() === "relay";
  $("#sim-settings").hidden = relay;
  $("#relay-settings").hidden = !relay;
  $("#wrong-secret").hidden = relay;
  $("#wrong-token").hidden = !relay;
  clearFieldErrors();
}
for (const radio of document.querySelectorAll('input[name="mode"]')) radio.addEventListener("change", applyMode);
$("#settings").addEventListener("submit", (ev) => ev.preventDefault()); // Enter in a setting must not reload the page
for (const id of ["#relay-url", "#relay-token"]) {
  $(id).addEventListener("input", () => {
    $(id).removeAttribute("aria-invalid");
    $(`${id}-error`).hidden = true;
  });
}

// ---- Start ---------------------------------------------------------------------------------
buildBanner();
applyMode();
for (const d of devices) {
  buildDevice(d);
  renderDevice(d);
}
if (config.simulatorRunning === false) setHealth(false, null, false);
checkHealth();
for (const d of devices) if (d.wantOnline) connect(d, { fresh: true });
publishPresence(true);
