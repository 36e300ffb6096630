// The demo page: composes a P2PSendMessage, sends it with the volc-im package (or through a
// relay Worker), and shows per-user results next to what each simulated device received.
import { ImClient, isVolcError } from "volc-im";

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

const config = await fetch("/demo-config.json").then((r) => r.json());
$("#endpoint").value = config.simulator;

// ---- Simulated devices: WebSocket clients of the simulator -------------------------------
const devices = [
  { userId: "10001", platform: "Web", wantOnline: true },
  { userId: "10002", platform: "Android", wantOnline: true },
  { userId: "10003", platform: "IOS", wantOnline: true },
  { userId: "10008", platform: "Web", wantOnline: false },
];
const receivedBy = new Map(); // RequestId -> Set of UserIds whose device got the frame

function renderDevice(d) {
  const status = d.socket?.readyState === WebSocket.OPEN && d.online;
  const card = el("li", { class: `device${status ? " online" : ""}`, "data-user": d.userId },
    el("div", { class: "top" },
      el("span", { class: "who" }, `${d.userId}`, el("span", { class: "muted" }, ` · ${d.platform}`)),
      el("span", { class: `badge ${status ? "ok" : "off"}` }, status ? "online" : "offline")),
    el("div", { class: "frame", "aria-live": "polite" }, d.last
      ? el("span", {}, `from ${d.last.Sender} in ${d.last.ConversationShortId}: `, el("span", { class: "content" }, d.last.Content))
      : el("span", { class: "muted" }, "no message yet")),
    el("button", { type: "button", class: "secondary", "aria-pressed": String(d.wantOnline), onclick: () => toggle(d) },
      d.wantOnline ? `Take ${d.userId} offline` : `Bring ${d.userId} online`));
  const old = document.querySelector(`.device[data-user="${d.userId}"]`);
  if (old) old.replaceWith(card);
  else $("#devices").append(card);
  if (d.flash) {
    card.classList.add("flash");
    setTimeout(() => card.classList.remove("flash"), 900);
    d.flash = false;
  }
}

function connect(d) {
  const appId = $("#compose").AppId.value.trim() || "666675";
  const url = new URL("/sim/connect", config.simulator.replace(/^http/, "ws"));
  url.search = new URLSearchParams({ AppId: appId, UserId: d.userId, Platform: d.platform });
  const socket = new WebSocket(url);
  d.socket = socket;
  socket.onmessage = (ev) => {
    const frame = JSON.parse(ev.data);
    if (frame.type === "hello") d.online = true;
    if (frame.type === "message") {
      d.last = frame;
      d.flash = true;
      if (!receivedBy.has(frame.RequestId)) receivedBy.set(frame.RequestId, new Set());
      receivedBy.get(frame.RequestId).add(d.userId);
      markReceived(frame.RequestId, d.userId);
    }
    renderDevice(d);
  };
  socket.onclose = () => {
    d.online = false;
    if (d.socket === socket) d.socket = undefined;
    renderDevice(d);
  };
}

function toggle(d) {
  d.wantOnline = !d.wantOnline;
  if (d.wantOnline) connect(d);
  else d.socket?.close();
  renderDevice(d);
}

for (const d of devices) {
  renderDevice(d);
  if (d.wantOnline) connect(d);
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

/** One send, through the package (simulator) or the relay Worker; resolves to the envelope. */
async function send(body, { secret } = {}) {
  if (mode() === "relay") {
    const base = $("#relay-url").value.trim().replace(/\/$/, "");
    const res = await fetch(`${base}/v1/p2p-send-message`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${$("#relay-token").value}` },
      body: JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    const e = json.ResponseMetadata?.Error ?? json.error;
    if (!res.ok || e) {
      throw Object.assign(new Error(e?.Message ?? e?.message ?? `HTTP ${res.status}`), {
        code: e?.Code ?? e?.code ?? "HTTP", codeN: e?.CodeN, requestId: json.ResponseMetadata?.RequestId, status: res.status,
      });
    }
    return json;
  }
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


function showError(err) {
  const rows = [["Code", err.code], ["Message", err.message], ["RequestId", err.requestId ?? "—"],
    ["HTTP status", err.status ?? "—"], ["CodeN", err.codeN ?? "—"]];
  $("#outcome").replaceChildren(el("div", { class: "error", role: "alert" },
    el("h3", {}, isVolcError(err) ? `VolcError: ${err.code}` : `Error: ${err.code ?? "unknown"}`),
    el("dl", {}, ...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", { "data-field": k }, String(v))]))));
}

function markReceived(requestId, userId) {
  const cell = document.querySelector(`td[data-received="${requestId}:${userId}"]`);
  if (cell) cell.replaceChildren(el("span", { class: "badge ok" }, "received"));
}

function showResult(res) {
  const requestId = res.ResponseMetadata.RequestId;
  const got = receivedBy.get(requestId) ?? new Set();
  const rows = res.Result.P2PResult.map((r) => el("tr", { "data-user": r.UserId },
    el("td", {}, r.UserId),
    el("td", {}, el("span", { class: `badge ${r.Code === "SUCCESS" ? "ok" : "off"}` }, r.Code)),
    el("td", {}, r.DevicePlatform),
    el("td", { "data-received": `${requestId}:${r.UserId}` }, got.has(r.UserId)
      ? el("span", { class: "badge ok" }, "received")
      : el("span", { class: "badge off" }, "no frame"))));
  $("#outcome").replaceChildren(
    el("div", { class: "table-wrap" }, el("table", {},
      el("caption", { class: "sr-only" }, "P2PResult: one row per targeted user"),
      el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "UserId"), el("th", { scope: "col" }, "Code"),
        el("th", { scope: "col" }, "DevicePlatform"), el("th", { scope: "col" }, "Device"))),
      el("tbody", {}, ...rows))),
    el("p", { class: "meta" }, `RequestId ${requestId}`));
}

async function run(button, work) {
  button.disabled = true;
  try {
    await work();
  } catch (err) {
    showError(err);
  } finally {
    button.disabled = false;
  }
}

function showSent(body) {
  $("#sent").textContent = `Sent: ConversationShortId ${body.ConversationShortId} · Sender ${body.Sender} · MsgType ${body.MsgType}`;
}

$("#compose").addEventListener("submit", (ev) => {
  ev.preventDefault();
  run($("#send"), async () => {
    const body = readBody();
    showSent(body);
    showResult(await send(body));
  });
});

$("#wrong-secret").addEventListener("click", () =>
  run($("#wrong-secret"), async () => showResult(await send(readBody(), { secret: "not-the-right-secret" }))));

$("#outsider").addEventListener("click", () =>
  run($("#outsider"), async () => {
    const body = readBody({ Sender: "424242" });
    showSent(body);
    showResult(await send(body));
  }));

$("#burst").addEventListener("click", () =>
  run($("#burst"), async () => {
    const body = readBody({ Content: "burst" });
    queuedByLimiter = 0;
    const started = performance.now();
    const outcomes = await Promise.allSettled(Array.from({ length: 150 }, () => send(body)));
    const ms = Math.round(performance.now() - started);
    const count = (pred) => outcomes.filter(pred).length;
    const ok = count((o) => o.status === "fulfilled");
    const throttled = count((o) => o.status === "rejected" && o.reason.code === "FlowLimitExceeded");
    const other = outcomes.length - ok - throttled;
    const otherCodes = [...new Set(outcomes.filter((o) => o.status === "rejected" && o.reason.code !== "FlowLimitExceeded")
      .map((o) => `${o.reason.code}: ${o.reason.message}`))];
    $("#outcome").replaceChildren(
      el("div", { class: "summary", role: "status" },
        el("span", { class: "badge ok" }, `${ok} accepted`),
        el("span", { class: `badge ${throttled ? "warn" : "ok"}` }, `${throttled} throttled (FlowLimitExceeded)`),
        el("span", { class: `badge ${other ? "err" : "ok"}` }, `${other} other errors`),
        el("span", { class: "badge off" }, `${queuedByLimiter} queued by the client`)),
      el("p", { class: "meta" }, `150 sends in ${ms} ms. The vendor (and the simulator) allow 100 requests per app in any 1 s window; ` +
        "the client's qps limiter spaces a burst so the server does not throttle it."),
      ...otherCodes.map((c) => el("p", { class: "meta" }, c)));
  }));

for (const radio of document.querySelectorAll('input[name="mode"]')) {
  radio.addEventListener("change", () => {
    $("#sim-settings").hidden = mode() !== "simulator";
    $("#relay-settings").hidden = mode() !== "relay";
  });
}
