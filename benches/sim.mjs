// The optimised simulator (target/sim/volc-im-sim, `cargo build -p volc-im-sim --profile sim`)
// on a free port, its app's qps raised through a temporary --config so it never throttles.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ACCESS_KEY_ID, SECRET_ACCESS_KEY, root } from "./common.mjs";

export const simBin = process.env.VOLC_IM_SIM_BIN ?? `${root}target/sim/volc-im-sim`;

export const SIM_CONFIG = {
  credentials: [{ accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY }],
  region: "cn-north-1",
  service: "rtc",
  apps: [
    {
      AppId: 666675,
      qps: 1000000,
      conversations: [{ ConversationShortId: "7221856821303361536", members: ["10001", "10002", "10003", "10008"] }],
    },
  ],
};

/** Resolves to { url, pid, stop }. */
export async function startSim() {
  if (!existsSync(simBin)) throw new Error(`${simBin} is missing: cargo build -p volc-im-sim --profile sim`);
  const dir = mkdtempSync(join(tmpdir(), "volc-im-bench-"));
  const config = join(dir, "sim.json");
  writeFileSync(config, JSON.stringify(SIM_CONFIG));
  const child = spawn(simBin, ["--listen", "127.0.0.1:0", "--config", config, "--quiet"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr.on("data", (c) => (err += c));
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`simulator not ready in 20 s: ${err}`)), 20_000);
    child.stdout.on("data", (c) => {
      out += c;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) {
        clearTimeout(timer);
        ok(m[1]);
      }
    });
    child.on("exit", (code) => fail(new Error(`simulator exited (${code}): ${err}`)));
  });
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise((ok) => {
        const done = () => {
          rmSync(dir, { recursive: true, force: true });
          ok();
        };
        if (child.exitCode !== null) return done();
        child.once("exit", done);
        child.kill("SIGTERM");
      }),
  };
}
