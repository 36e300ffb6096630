// The real simulator (target/debug/volc-im-sim, default config) for the consumer tests: each
// consumer sends one P2P message to it from its built output, while a WebSocket device of user
// 10001 is online; `checkDelivered` compares the result with what the device received.
import { join } from "node:path";
import { ROOT, check, eq } from "./common.mjs";
import { startSimulator } from "../../e2e/helpers.mjs";

// The simulator's built-in test credentials and ids (public values, see sim/src/config.rs).
export const SIM = {
  accessKeyId: "AKLTsimulator",
  secretAccessKey: "c2ltdWxhdG9yLXNlY3JldC1rZXk=",
  AppId: 666675,
  Sender: "10008",
  ConversationShortId: "7221856821303361536",
  online: "10001",
  members: ["10001", "10002", "10003", "10008"],
};

/** Starts the simulator (stopped by `defer`) with user 10001 online on the Web platform. */
export async function startSim(defer) {
  const sim = await startSimulator();
  defer(() => sim.stop());
  const { default: WebSocket } = await import(join(ROOT, "node_modules/ws/index.js"));
  const ws = new WebSocket(`${sim.url.replace("http", "ws")}/sim/connect?AppId=${SIM.AppId}&UserId=${SIM.online}&Platform=Web`);
  const frames = [];
  await new Promise((ok, fail) => {
    ws.on("message", (data) => {
      const f = JSON.parse(data);
      if (f.type === "hello") ok();
      else frames.push(f);
    });
    ws.on("error", fail);
  });
  defer(() => new Promise((ok) => {
    ws.once("close", ok);
    ws.close();
  }));
  return { url: sim.url, frames };
}

/** A unique Content per send, so a frame can only come from this send. */
export const contentFor = (label) => JSON.stringify({ consumer: label, nonce: `${Date.now()}-${Math.random().toString(36).slice(2)}` });

/**
 * `result` is what p2pSendMessage returned (ids as strings) in the consumer; the device of user
 * 10001 must have received exactly that message, with the same RequestId.
 */
export async function checkDelivered(sim, result, content, what) {
  check(result && typeof result === "object" && result.Result, `${what}: no P2PSendMessage result`, result);
  const rows = Object.fromEntries(result.Result.P2PResult.map((r) => [r.UserId, [r.Code, r.DevicePlatform]]));
  eq(rows, Object.fromEntries(SIM.members.map((id) => [id, id === SIM.online ? ["SUCCESS", "Web"] : ["NOT_ONLINE", "Default"]])),
    `${what}: P2PResult`);
  const requestId = result.ResponseMetadata.RequestId;
  check(/^\w{20,}$/.test(requestId ?? ""), `${what}: RequestId`, requestId);
  for (let i = 0; i < 50 && !sim.frames.some((f) => f.RequestId === requestId); i++) await new Promise((ok) => setTimeout(ok, 20));
  const mine = sim.frames.filter((f) => f.RequestId === requestId);
  eq(mine.map((f) => [f.Sender, f.ConversationShortId, f.Content]), [[SIM.Sender, SIM.ConversationShortId, content]],
    `${what}: frames the online device received`);
}
