#!/usr/bin/env node
// `volc-im`: send one P2P message, or print the signature headers for a request, from a shell.
// Credentials always come from the environment (fromEnv: VOLC_ACCESSKEY, VOLC_SECRETKEY,
// VOLC_SESSION_TOKEN), never from flags, so no secret lands in shell history or `ps`.
// Exit status: 0 done; 1 the call failed; 2 the command line or environment is wrong (nothing
// was sent). Errors go to stderr as "volc-im: <code>: <message>" (or JSON with --json).
import { readFileSync } from "node:fs";
import process from "node:process";
import { parseArgs } from "node:util";
import { isVolcError, makeVolcError } from "./errors.js";
import { fromEnv } from "./from-env.mjs";

const USAGE = `Usage:
  volc-im send --app ID --sender ID --conversation ID --type N --content TEXT
               [--to ID,ID,...] [--endpoint URL] [--region R] [--json]
  volc-im sign --method M --url URL [--header Name:Value]... [--body TEXT | --body-file FILE]
               --region R --service S [--date ISO-8601] [--json]

Credentials come from VOLC_ACCESSKEY, VOLC_SECRETKEY and (optional) VOLC_SESSION_TOKEN.
Exit status: 0 done, 1 the call failed, 2 bad command line or environment.
Manual: docs/cli.md in this package.`;

const bad = (message) => makeVolcError("InvalidArgument", message, { retryable: false, attempts: 0 });

// Flags of each command; every one is a string (parseArgs refuses unknown flags).
const COMMANDS = {
  send: {
    app: { type: "string" },
    sender: { type: "string" },
    conversation: { type: "string" },
    type: { type: "string" },
    content: { type: "string" },
    to: { type: "string" },
    endpoint: { type: "string" },
    region: { type: "string" },
    json: { type: "boolean" },
  },
  sign: {
    method: { type: "string" },
    url: { type: "string" },
    header: { type: "string", multiple: true },
    body: { type: "string" },
    "body-file": { type: "string" },
    region: { type: "string" },
    service: { type: "string" },
    date: { type: "string" },
    json: { type: "boolean" },
  },
};

// P2PSendMessage fields as the flags that give them, so an error names what the user typed.
const FLAG_OF_FIELD = {
  AppId: "--app",
  Sender: "--sender",
  ConversationShortId: "--conversation",
  MsgType: "--type",
  Content: "--content",
  ReceiverUserId: "--to",
};

function parse(command, argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMANDS[command], help: { type: "boolean", short: "h" } }, strict: true, allowPositionals: true });
  } catch (e) {
    // parseArgs' own wording ("Unknown option '--x'", "Option '--app <value>' argument missing").
    throw bad(`${e.message}\n\n${USAGE}`);
  }
  if (parsed.positionals.length) throw bad(`unexpected argument ${JSON.stringify(parsed.positionals[0])} (values follow their flag)`);
  return parsed.values;
}

function required(values, ...names) {
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length) throw bad(`missing ${missing.map((n) => `--${n}`).join(", ")}\n\n${USAGE}`);
}

// An int32 flag (AppId, MsgType): decimal digits, converted to a number for the client, which
// checks the range.
function integer(values, name) {
  const text = values[name].trim();
  if (!/^-?[0-9]{1,10}$/.test(text)) throw bad(`--${name}: ${JSON.stringify(values[name])} is not an integer`);
  return Number(text);
}

async function send(values) {
  required(values, "app", "sender", "conversation", "type", "content");
  const body = {
    AppId: integer(values, "app"),
    // int64 ids stay decimal strings: the client reads them exactly.
    Sender: values.sender.trim(),
    ConversationShortId: values.conversation.trim(),
    MsgType: integer(values, "type"),
    Content: values.content,
  };
  if (values.to !== undefined) body.ReceiverUserId = values.to.split(",").map((id) => id.trim());
  const credentials = fromEnv();
  const { ImClient } = await import("./node.mjs");
  const options = { credentials };
  if (values.endpoint !== undefined) options.endpoint = values.endpoint;
  if (values.region !== undefined) options.region = values.region;
  let result;
  try {
    result = await new ImClient(options).p2pSendMessage(body);
  } catch (e) {
    if (isVolcError(e) && e.code === "InvalidArgument") {
      const field = Object.keys(FLAG_OF_FIELD).find((f) => e.message.startsWith(f));
      if (field) e.message = `${FLAG_OF_FIELD[field]} (${field})${e.message.slice(field.length)}`;
    }
    throw e;
  }
  if (values.json) return JSON.stringify(result, null, 2);
  const rows = [["USER", "CODE", "PLATFORM"], ...result.Result.P2PResult.map((r) => [r.UserId, r.Code, r.DevicePlatform])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const lines = rows.map((r) => r.map((cell, i) => String(cell).padEnd(widths[i])).join("  ").trimEnd());
  if (rows.length === 1) lines.push("(no receivers)");
  lines.push(`RequestId: ${result.ResponseMetadata.RequestId}`);
  return lines.join("\n");
}

async function sign(values) {
  required(values, "method", "url", "region", "service");
  if (values.body !== undefined && values["body-file"] !== undefined) throw bad("give --body or --body-file, not both");
  const headers = {};
  for (const h of values.header ?? []) {
    const at = h.indexOf(":");
    if (at <= 0) throw bad(`--header: ${JSON.stringify(h)} is not Name:Value`);
    headers[h.slice(0, at).trim()] = h.slice(at + 1).trim();
  }
  let body = values.body;
  const file = values["body-file"];
  if (file !== undefined) {
    try {
      // Bytes as they are: the signature covers the exact body. "-" reads standard input.
      body = new Uint8Array(readFileSync(file === "-" ? 0 : file));
    } catch (e) {
      throw bad(`--body-file: cannot read ${JSON.stringify(file)} (${e.code ?? e.message})`);
    }
  }
  let date;
  if (values.date !== undefined) {
    date = new Date(values.date);
    if (Number.isNaN(date.getTime())) throw bad(`--date: ${JSON.stringify(values.date)} is not a date (e.g. 2024-06-07T10:33:44Z)`);
  }
  const credentials = fromEnv()();
  const { signRequest } = await import("./sign-node.mjs");
  const signed = await signRequest({
    method: values.method,
    url: values.url,
    headers,
    body,
    ...credentials,
    region: values.region,
    service: values.service,
    date,
  });
  if (values.json) return JSON.stringify(signed, null, 2);
  return Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`).join("\n");
}

function report(error, json) {
  const e = isVolcError(error) ? error : { code: "Error", message: String(error?.stack ?? error) };
  if (json && isVolcError(error)) {
    process.stderr.write(JSON.stringify(error) + "\n");
  } else {
    const where = [e.status && `HTTP ${e.status}`, e.requestId && `RequestId ${e.requestId}`].filter(Boolean).join(", ");
    process.stderr.write(`volc-im: ${e.code}: ${e.message}${where ? ` (${where})` : ""}\n`);
  }
  return isVolcError(error) && error.code === "InvalidArgument" && error.attempts === 0 ? 2 : 1;
}

async function main(argv) {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(USAGE + "\n");
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-v") {
    const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
    process.stdout.write(pkg.version + "\n");
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    return report(bad(`unknown command ${JSON.stringify(command)} (send, sign)\n\n${USAGE}`), false);
  }
  const json = rest.includes("--json");
  try {
    const values = parse(command, rest);
    if (values.help) {
      process.stdout.write(USAGE + "\n");
      return 0;
    }
    const out = await (command === "send" ? send(values) : sign(values));
    process.stdout.write(out + "\n");
    return 0;
  } catch (e) {
    return report(e, json);
  }
}

process.exitCode = await main(process.argv.slice(2));
