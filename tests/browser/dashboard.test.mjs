// The operator dashboard in a real headless Chromium against a three-node cluster over Redis: it
// loads without console errors, shows the three nodes live, and shows one going away when it is
// killed. Screenshots are kept in artifacts/.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startRedis, startNode, until } from "../lib/cluster.mjs";

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "artifacts");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
// As the machine's probe runs it: without the background-networking flags Chromium reaches for Google's hosts.
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];
const FAST = ["--metrics-interval", "500ms", "--metrics-resolution", "1s", "--heartbeat", "500ms", "--room-publish", "anyone",
  "--allowed-origins", "*"]; // the traffic page, on one node, opens WebSockets to all three

const stops = [];
after(() => stops.reverse().forEach((stop) => stop()));

test("the dashboard shows a live three-node cluster and a node going away", { timeout: 120000 }, async () => {
  const redis = await startRedis();
  stops.push(redis.stop);
  const nodes = [];
  for (const id of ["dash-1", "dash-2", "dash-3"]) {
    const node = await startNode(id, redis.url, FAST);
    stops.push(node.stop);
    nodes.push(node);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  stops.push(() => browser.close());
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));

  // Traffic for the charts: clients on every node, publishing to a room they all read.
  const traffic = await browser.newPage();
  await traffic.goto(nodes[0].admin + "/health");
  await traffic.evaluate((urls) => {
    urls.forEach((url, n) => {
      for (let i = 0; i < 3; i++) {
        const ws = new WebSocket(url, "wsc.v1.json");
        ws.onopen = () => ws.send(JSON.stringify({ op: "subscribe", id: 1, room: "lobby" }));
        if (i === 0) setInterval(() => ws.readyState === 1 && ws.send(JSON.stringify({ op: "publish", id: 2, room: "lobby", data: { n } })), 100);
      }
    });
  }, nodes.map((n) => n.url));

  await page.goto(nodes[0].admin + "/dashboard");
  const rows = page.locator("#nodes tbody tr");
  await until("three active nodes listed", async () => (await page.locator("#nodes tbody tr td.state-active").count()) === 3);
  assert.deepEqual(await rows.evaluateAll((trs) => trs.map((tr) => tr.dataset.node)), ["dash-1", "dash-2", "dash-3"]);
  await until("the live view is on", async () => (await page.textContent("#live")) === "live");
  await until("every node's figures arrived live", async () =>
    (await rows.evaluateAll((trs) => trs.filter((tr) => /\d\d:\d\d/.test(tr.lastElementChild.textContent)).length)) === 3);
  await until("the charts are drawn", async () => (await page.locator("#chart-connections canvas").count()) === 1
    && (await page.locator("#chart-latency canvas").count()) === 1);
  await until("connections counted", async () => /\b3\b/.test(await page.locator('#nodes tr[data-node="dash-2"] td').nth(2).textContent()));
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.waitForTimeout(2000);
  await page.screenshot({ path: join(ARTIFACTS, "dashboard-three-nodes.png"), fullPage: true });

  nodes[2].stop(); // SIGKILL: no goodbye, the lease runs out
  await until("the killed node shown gone", async () =>
    (await page.locator('#nodes tr[data-node="dash-3"]').getAttribute("class")) === "gone", 30000);
  assert.equal(await page.locator('#nodes tr[data-node="dash-3"] td.state').textContent(), "gone");
  assert.equal(await page.locator("#nodes tbody tr td.state-active").count(), 2);
  await page.screenshot({ path: join(ARTIFACTS, "dashboard-node-gone.png"), fullPage: true });

  assert.deepEqual(errors, [], "console errors");
});
