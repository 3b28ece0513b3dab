// How long the JavaScript SDK takes to come back after its node is killed, in a real headless
// Chromium: N SDK clients in one page, all on node 1 of a three-node cluster (the others' URLs
// given too), each in a room; node 1 is SIGKILLed and each client's time from the kill to its next
// welcome (and to its room subscribed again) is taken. A measurement, not a test: docs/benchmarks.md
// quotes it. Every process runs on loopback and is stopped by its own id.
//
//   node tests/browser/bench-reconnect.mjs [--clients 120] [--runs 5] [--warmup 5]
import { chromium } from "playwright-core";
import { startRedis, startNode, until } from "../lib/cluster.mjs";

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CLIENTS = arg("clients", 120);
const RUNS = arg("runs", 5);
const WARMUP = arg("warmup", 5);
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];
const NODE_FLAGS = ["--heartbeat", "500ms", "--allowed-origins", "*", "--page", "true", "--max-connections-per-address", "0",
  "--connection-rate-per-address", "0"]; // one page is one source address: the per-address limits would pace it, not the SDK

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function run(k, browser) {
  const stops = [];
  try {
    const redis = await startRedis();
    stops.push(redis.stop);
    const nodes = [];
    for (const i of [1, 2, 3]) {
      const n = await startNode(`bench-${k}-${i}`, redis.url, NODE_FLAGS);
      stops.push(n.stop);
      nodes.push(n);
    }
    const page = await browser.newPage();
    // Loaded from node 2, which lives: the page outlives node 1.
    await page.goto(`http://127.0.0.1:${nodes[1].port}/wscluster.js`);
    // A node in service has run its connection path many times: warm each node's JIT up first, or
    // the figure is the interpreter's.
    await page.evaluate(async ({ urls, count, rounds }) => {
      const { WscClient } = await import("/wscluster.js");
      // One node at a time: Chromium opens at most 255 WebSockets at once.
      for (let round = 0; round < rounds; round++) {
        for (const u of urls) {
          const warm = Array.from({ length: count }, () => new WscClient(u));
          await Promise.all(warm.map((c, i) => c.subscribe(`room-${i % 10}`, () => {})));
          warm.forEach((c) => c.close());
          await new Promise((r) => setTimeout(r, 300));
        }
      }
    }, { urls: nodes.map((n) => n.url), count: CLIENTS, rounds: WARMUP });
    await new Promise((r) => setTimeout(r, 1000));
    await page.evaluate(async ({ urls, count }) => {
      const { WscClient } = await import("/wscluster.js");
      window.clients = [];
      window.welcomes = [];
      window.resubscribed = [];
      for (let i = 0; i < count; i++) {
        const c = new WscClient(urls);
        const k = i;
        c.on("connected", () => { window.welcomes[k] = Date.now(); });
        c.on("resubscribed", () => { window.resubscribed[k] = Date.now(); });
        window.clients.push(c);
      }
      await Promise.all(window.clients.map((c, i) => c.subscribe(`room-${i % 10}`, () => {})));
    }, { urls: nodes.map((n) => n.url), count: CLIENTS });
    const onFirst = await page.evaluate((id) => window.clients.filter((c) => c.node === id).length, nodes[0].id);
    if (onFirst !== CLIENTS) throw new Error(`${onFirst} of ${CLIENTS} clients on node 1`);
    await page.evaluate(() => { window.welcomes = []; window.resubscribed = []; });
    const killedAt = Date.now();
    nodes[0].stop();
    await until("every client back", () => page.evaluate((n) => window.resubscribed.filter(Boolean).length === n, CLIENTS), 60000, 50);
    const times = await page.evaluate(() => ({ w: window.welcomes, r: window.resubscribed }));
    await page.evaluate(() => window.clients.forEach((c) => c.close()));
    await page.close();
    const welcome = times.w.map((t) => t - killedAt).sort((a, b) => a - b);
    const room = times.r.map((t) => t - killedAt).sort((a, b) => a - b);
    return { welcome, room };
  } finally {
    stops.reverse().forEach((s) => s());
  }
}

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", args: FLAGS });
const results = [];
try {
  for (let k = 1; k <= RUNS; k++) {
    const { welcome, room } = await run(k, browser);
    const line = { p50: pct(welcome, 50), p99: pct(welcome, 99), max: welcome.at(-1), roomP50: pct(room, 50), roomP99: pct(room, 99) };
    results.push(line);
    console.log(`run ${k}: ${CLIENTS} clients, welcome after the kill P50 ${line.p50} ms P99 ${line.p99} ms max ${line.max} ms;`
      + ` room live again P50 ${line.roomP50} ms P99 ${line.roomP99} ms`);
  }
} finally {
  await browser.close();
}
const median = (key) => results.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(results.length / 2)];
console.log(`median of ${RUNS} runs: welcome P50 ${median("p50")} ms, P99 ${median("p99")} ms; room live again P50 ${median("roomP50")} ms, P99 ${median("roomP99")} ms`);
