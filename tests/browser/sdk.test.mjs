// The JavaScript SDK and the demo page built on it, in a real headless Chromium against a
// three-node cluster over Redis: two pages on different nodes exchange messages while a node is
// killed, and each receives every message once and in order; the demo page opened on a node that
// dies goes on with another, and after a drain shows its room once with presence counting it.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startRedis, startNode, until } from "../lib/cluster.mjs";

const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "artifacts");
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync"];
// Pages loaded from one node open WebSockets to the others: another origin.
const NODE_FLAGS = ["--heartbeat", "300ms", "--room-publish", "anyone", "--room-presence", "anyone", "--allowed-origins", "*",
  "--drain-pace", "20ms", "--page", "true"];
const COUNT = 80;

const stops = [];
after(() => stops.reverse().forEach((stop) => stop()));

async function cluster() {
  const redis = await startRedis();
  stops.push(redis.stop);
  const nodes = [];
  for (const i of [1, 2, 3]) {
    const node = await startNode(`sdk-${stops.length}-${i}`, redis.url, NODE_FLAGS);
    stops.push(node.stop);
    nodes.push(node);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  stops.push(() => browser.close());
  return { nodes, browser };
}

/** A page of `node`'s origin with the SDK that node serves, connected to `urls`, in room "chat". */
async function sdkPage(browser, node, urls) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${node.port}/wscluster.js`);
  await page.evaluate(async (urls) => {
    const { WscClient } = await import("/wscluster.js");
    window.received = [];
    window.events = [];
    window.client = new WscClient(urls);
    for (const t of ["connected", "disconnected", "lost", "gap", "error"]) window.client.on(t, (e) => window.events.push(t));
    await window.client.subscribe("chat", (m) => window.received.push({ offset: m.offset, tag: m.data.tag, i: m.data.i }));
  }, urls);
  return { page, errors };
}

function publishFrom(page, tag) {
  return page.evaluate(async ({ tag, count }) => {
    const acks = [];
    for (let i = 0; i < count; i++) {
      acks.push(window.client.publish("chat", { tag, i }));
      await new Promise((r) => setTimeout(r, 25));
    }
    return Promise.all(acks);
  }, { tag, count: COUNT });
}

function assertOnceInOrder(received, name) {
  for (const tag of ["a", "b"]) {
    assert.deepEqual(received.filter((m) => m.tag === tag).map((m) => m.i), [...Array(COUNT).keys()],
      `${name} got every message of page ${tag} once, in order`);
  }
  const offsets = received.map((m) => m.offset);
  assert.ok(offsets.every((o, k) => k === 0 || o > offsets[k - 1]), `${name}: offsets strictly increase`);
}

test("two pages on different nodes exchange messages while one's node is killed: every message once, in order", { timeout: 120000 }, async () => {
  const { nodes: [n1, n2, n3], browser } = await cluster();
  const a = await sdkPage(browser, n1, [n1.url, n2.url, n3.url]);
  const b = await sdkPage(browser, n2, [n2.url, n3.url, n1.url]);
  assert.equal(await a.page.evaluate(() => window.client.node), n1.id);
  assert.equal(await b.page.evaluate(() => window.client.node), n2.id);
  const sending = Promise.all([publishFrom(a.page, "a"), publishFrom(b.page, "b")]);
  await new Promise((r) => setTimeout(r, 600));
  n1.stop(); // SIGKILL: page a's connection drops with its publishes in flight
  const [acksA, acksB] = await sending;
  assert.equal(new Set([...acksA, ...acksB]).size, 2 * COUNT, "every publish acknowledged with an offset of its own");
  for (const [p, name] of [[a.page, "page a"], [b.page, "page b"]]) {
    await until(`${name} received all`, () => p.evaluate((n) => window.received.length >= n, 2 * COUNT), 30000);
  }
  await new Promise((r) => setTimeout(r, 300)); // a duplicate would arrive now
  assertOnceInOrder(await a.page.evaluate(() => window.received), "page a");
  assertOnceInOrder(await b.page.evaluate(() => window.received), "page b");
  assert.notEqual(await a.page.evaluate(() => window.client.node), n1.id);
  assert.ok((await a.page.evaluate(() => window.events)).includes("disconnected"));
  assert.deepEqual([...a.errors, ...b.errors], []);
  mkdirSync(ARTIFACTS, { recursive: true });
});

test("the demo page: a favicon that loads, another node when its own dies, one subscription after a drain", { timeout: 120000 }, async () => {
  const { nodes: [n1, n2, n3], browser } = await cluster();
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${n1.port}/`);
  await until("connected to its node", async () => (await page.textContent("#status")) === `connected to ${n1.id}`);
  await until("every node listed", async () => (await page.locator("#nodes li").count()) === 3);
  await until("presence counts the page", async () => /^1 connection/.test(await page.textContent("#presCount")));
  assert.deepEqual(errors, [], "no console error before anything dies (the favicon among them)");

  n1.stop();
  await until("connected to a live node", async () => /^connected to sdk-\d+-[23]$/.test(await page.textContent("#status")), 20000);
  const moved = (await page.textContent("#status")).replace("connected to ", "");
  const survivor = [n2, n3].find((n) => n.id === moved);
  const other = [n2, n3].find((n) => n.id !== moved);

  const res = await fetch(`${survivor.admin}/admin/drain`, { method: "POST" });
  assert.equal(res.status, 202);
  await until("moved by the drain", async () => (await page.textContent("#status")) === `connected to ${other.id}`, 20000);
  await page.fill("#pubText", "after the drain");
  await page.click("#pubForm button[type=submit]");
  await until("its own message back", async () => (await page.locator("#log li.msg").count()) === 1);
  await until("presence counts the page once", async () => /^1 connection/.test(await page.textContent("#presCount")), 10000);
  assert.equal(await page.locator("#rooms li").count(), 1, "the lobby is listed once");
  const log = await page.textContent("#log");
  assert.doesNotMatch(log, /already subscribed/);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, "demo-after-drain.png"), fullPage: true });
});
