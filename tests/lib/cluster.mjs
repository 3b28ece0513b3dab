// Real parts for the browser and JavaScript SDK tests: a redis-server and `wsc node` processes of this checkout's jar, on
// free loopback ports, each stopped by its own process id. Every wait is bounded.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const JAR = join(ROOT, "cli/target/wsc.jar");

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

export async function until(what, check, timeoutMs = 20000, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms${last ? " (" + last.message + ")" : ""}`);
}

function started(name, child, log) {
  child.stdout.on("data", (d) => log.push(String(d)));
  child.stderr.on("data", (d) => log.push(String(d)));
  return { name, child, log, stop: () => { if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL"); } };
}

/** A redis-server of its own, keeping nothing on disk. */
export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "wsc-browser-redis-"));
  const r = started("redis", spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
    "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] }), []);
  await until("redis ready", () => r.log.join("").includes("Ready to accept connections"));
  const stop = r.stop;
  return { ...r, url: `redis://127.0.0.1:${port}`, stop: () => { stop(); rmSync(dir, { recursive: true, force: true }); } };
}

/** A `wsc node` process on free loopback ports (or on `port`), ready; `extra` are more flags. */
export async function startNode(id, redisUrl, extra = [], { port = 0 } = {}) {
  if (!existsSync(JAR)) throw new Error(`no ${JAR}: build first (mvn -B -ntp install -DskipTests)`);
  port ||= await freePort();
  const adminPort = await freePort();
  const n = started(id, spawn("java", ["-Xmx256m", "-jar", JAR, "node", "--node-id", id, "--host", "127.0.0.1", "--port", String(port),
    "--admin-port", String(adminPort), "--redis", redisUrl, ...extra], { stdio: ["ignore", "pipe", "pipe"] }), []);
  const node = { ...n, id, port, adminPort, url: `ws://127.0.0.1:${port}/ws`, admin: `http://127.0.0.1:${adminPort}` };
  await until(`node ${id} ready`, async () => {
    if (n.child.exitCode !== null) throw new Error(`node ${id} exited: ${n.log.join("")}`);
    return (await fetch(`http://127.0.0.1:${port}/ready`)).ok;
  }, 60000, 200);
  return node;
}
