// The JavaScript SDK against real `wsc node` processes over a real redis-server: requests and
// events, then the ways a connection ends (a killed node, a frozen one, a drain, a reconnect frame)
// with every message handed on once and in order, token refresh, and held requests.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { startRedis, startNode, until, freePort } from "../../../tests/lib/cluster.mjs";
import { WscClient, WscError, backoffDelay, tokenExpiry } from "../wscluster.js";

const FLAGS = ["--heartbeat", "300ms", "--room-publish", "anyone", "--client-send", "anyone", "--client-broadcast", "anyone",
  "--room-presence", "anyone", "--drain-pace", "20ms"];
const SECRET = "test-secret-of-at-least-32-bytes-for-hs256";
const stops = [];
const clients = [];
after(() => {
  clients.forEach((c) => c.close());
  stops.reverse().forEach((stop) => stop());
});

async function cluster(n, flags = FLAGS) {
  const redis = await startRedis();
  stops.push(redis.stop);
  const nodes = [];
  for (let i = 1; i <= n; i++) {
    const node = await startNode(`js-${process.pid}-${stops.length}-${i}`, redis.url, flags);
    stops.push(node.stop);
    nodes.push(node);
  }
  return { redis, nodes };
}

function client(urls, options) {
  const c = new WscClient(urls, options);
  clients.push(c);
  return c;
}

/** Collects a room's messages and the client's events. */
function watch(c, room) {
  const seen = { messages: [], events: [] };
  for (const type of ["connected", "disconnected", "move", "resubscribed", "gap", "lost", "unsubscribed", "error", "refreshed"]) {
    c.on(type, (e) => seen.events.push({ type, ...e, message: e?.message }));
  }
  const subscribed = room ? c.subscribe(room, (m) => seen.messages.push(m)) : null;
  return { seen, subscribed };
}

function jwt(sub, lifetimeSeconds, claims = {}) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const body = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub, exp: Math.floor(Date.now() / 1000) + lifetimeSeconds, ...claims })}`;
  return `${body}.${createHmac("sha256", SECRET).update(body).digest("base64url")}`;
}

/** Publishes `count` numbered messages from `c`, one every `everyMs`; resolves with their offsets. */
async function publishNumbered(c, room, count, everyMs, tag) {
  const acks = [];
  for (let i = 0; i < count; i++) {
    acks.push(c.publish(room, { tag, i }));
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return Promise.all(acks);
}

function assertOnceInOrder(messages, tag, count) {
  const mine = messages.filter((m) => m.data.tag === tag).map((m) => m.data.i);
  assert.deepEqual(mine, [...Array(count).keys()], `${tag}: every message once, in order`);
  const offsets = messages.map((m) => m.offset);
  assert.deepEqual(offsets, [...offsets].sort((a, b) => a - b), "offsets increase");
  assert.equal(new Set(offsets).size, offsets.length, "no offset twice");
}

test("helpers: backoff with equal jitter, a token's expiry", () => {
  const b = { initialMs: 100, maxMs: 10000, multiplier: 2 };
  assert.equal(backoffDelay(b, 0, () => 0), 50);
  assert.equal(backoffDelay(b, 0, () => 0.999), 100);
  assert.equal(backoffDelay(b, 3, () => 0), 400);
  assert.equal(backoffDelay(b, 40, () => 0), 5000);
  assert.ok(backoffDelay(b, 40) <= 10000);
  assert.equal(tokenExpiry(jwt("a", 60)) > Date.now(), true);
  assert.equal(tokenExpiry("not a token"), null);
  assert.throws(() => new WscClient([]), /urls must be/);
  assert.throws(() => new WscClient("ws://127.0.0.1:1/ws", { WebSocket: 42 }), /no WebSocket implementation/);
  assert.throws(() => new WscClient("ws://127.0.0.1:1/ws", { keepAliveMs: 1 }), /keepAliveMs/);
});

test("requests and events on one node: publish, presence, history, send, broadcast, a lost recovery", { timeout: 60000 }, async () => {
  const { nodes: [n] } = await cluster(1);
  // An injected WebSocket implementation is used as given (Node 20 without the global one, or the ws package).
  let made = 0;
  const Counted = class extends globalThis.WebSocket { constructor(...a) { super(...a); made++; } };
  const a = client(n.url, { WebSocket: Counted });
  const b = client(n.url);
  const { seen, subscribed } = watch(a, "lobby");
  const first = await subscribed;
  assert.equal(first.room, "lobby");
  assert.equal(made, 1);
  const direct = [];
  a.on("message", (m) => direct.push(m));
  await b.ready();
  const offset = await b.publish("lobby", { text: "hi" });
  await until("the message", () => seen.messages.length === 1);
  assert.equal(seen.messages[0].offset, offset);
  assert.deepEqual(seen.messages[0].data, { text: "hi" });
  const p = await b.presence("lobby");
  assert.equal(p.connections, 1);
  const h = await b.history("lobby", { limit: 10 });
  assert.deepEqual(h.messages.map((m) => m.data.text), ["hi"]);
  await b.send(a.user ?? "anonymous", { to: "user" }).catch((e) => assert.equal(e.code, "bad_request"));
  await b.broadcast({ to: "all" });
  await until("the broadcast", () => direct.some((m) => m.broadcast && m.data.to === "all"));
  // 300 requests at once: the node refuses more than 100 awaiting answers, so the client sends them in turn.
  const many = await Promise.all(Array.from({ length: 300 }, () => b.history("lobby", { limit: 1 })));
  assert.equal(many.length, 300);
  await assert.rejects(a.subscribe("lobby", () => {}), (e) => e instanceof WscError && e.code === "bad_request");
  await assert.rejects(b.publish("bad room!", 1), (e) => e.code === "bad_request");
  // A position the history no longer reaches: the server starts afresh and the client says so.
  await a.subscribe("elsewhere", () => {}, { since: { epoch: "not-this-one", offset: 5 } });
  await until("the lost event", () => seen.events.some((e) => e.type === "lost" && e.room === "elsewhere"));
  a.close();
  await assert.rejects(a.publish("lobby", 1), (e) => e.code === "closed");
});

test("a killed node: the client moves to another, every message once and in order, its publishes stored once", { timeout: 90000 }, async () => {
  const { nodes: [n1, n2, n3] } = await cluster(3);
  const reader = client([n1.url, n2.url, n3.url]);
  const writer = client([n1.url, n2.url, n3.url]);
  const other = client([n2.url]);
  const r = watch(reader, "kill");
  await r.subscribed;
  await writer.ready();
  await other.subscribe("kill", () => {});
  const fromOther = publishNumbered(other, "kill", 60, 20, "other");
  const fromWriter = publishNumbered(writer, "kill", 60, 20, "writer");
  await new Promise((res) => setTimeout(res, 400));
  n1.stop(); // SIGKILL: the sockets drop without a close frame
  const [, writerOffsets] = await Promise.all([fromOther, fromWriter]);
  assert.equal(new Set(writerOffsets).size, 60);
  await until("all 120 messages", () => r.seen.messages.length >= 120, 30000);
  await new Promise((res) => setTimeout(res, 300));
  assertOnceInOrder(r.seen.messages, "other", 60);
  assertOnceInOrder(r.seen.messages, "writer", 60);
  assert.notEqual(reader.node, n1.id);
  assert.ok(r.seen.events.some((e) => e.type === "disconnected"));
});

test("a frozen node: keep-alive pings find it and the client moves", { timeout: 60000 }, async () => {
  const { nodes: [n1, n2] } = await cluster(2);
  const c = client([n1.url, n2.url], { keepAliveMs: 400 });
  const { seen, subscribed } = watch(c, "frozen");
  await subscribed;
  const node = c.node;
  n1.child.kill("SIGSTOP");
  try {
    await until("moved off the frozen node", () => c.state === "connected" && c.node !== node, 20000);
    assert.ok(seen.events.some((e) => e.type === "error" && e.code === "silent"));
  } finally {
    n1.child.kill("SIGCONT");
  }
  const sender = client(n2.url);
  await sender.publish("frozen", { tag: "after", i: 0 });
  await until("the message after the move", () => seen.messages.length === 1);
});

test("a drain: the client follows the reconnect frame, resubscribes once, presence counts it once", { timeout: 60000 }, async () => {
  const { nodes: [n1, n2] } = await cluster(2);
  const c = client([n1.url]);
  const { seen, subscribed } = watch(c, "drained");
  await subscribed;
  const sender = client(n2.url);
  const sending = publishNumbered(sender, "drained", 50, 20, "s");
  await new Promise((res) => setTimeout(res, 200));
  const res = await fetch(`${n1.admin}/admin/drain`, { method: "POST" });
  assert.equal(res.status, 202);
  await sending;
  await until("on the other node", () => c.state === "connected" && c.node === n2.id, 20000);
  await until("all 50", () => seen.messages.length >= 50, 20000);
  assertOnceInOrder(seen.messages, "s", 50);
  assert.ok(seen.events.some((e) => e.type === "move" && e.reason === "drain"));
  assert.deepEqual(seen.events.filter((e) => e.type === "error"), [], "no error: in particular no second subscription");
  await until("presence counts one connection", async () => (await sender.presence("drained")).connections === 1);
});

test("a reconnect frame with a url (a shed): the client goes where it is sent", { timeout: 60000 }, async () => {
  const { nodes: [n1, n2] } = await cluster(2);
  const c = client([n1.url]); // only n1 configured: n2 is learned from the frame
  const { seen, subscribed } = watch(c, "shed");
  await subscribed;
  const res = await fetch(`${n1.admin}/admin/shed?count=1&to=${n2.id}`, { method: "POST" });
  assert.equal(res.status, 202);
  await until("moved to n2", () => c.state === "connected" && c.node === n2.id, 20000);
  const move = seen.events.find((e) => e.type === "move");
  assert.equal(move.reason, "rebalance");
  assert.match(move.url, new RegExp(`:${n2.port}/`));
  const sender = client(n2.url);
  await sender.publish("shed", { tag: "t", i: 0 });
  await until("a message on the new node", () => seen.messages.length === 1);
});

test("token refresh: the client renews its token on the open connection before it expires", { timeout: 60000 }, async () => {
  const { nodes: [n] } = await cluster(1, [...FLAGS, "--jwt-secret", SECRET, "--allow-anonymous", "false"]);
  let asked = 0;
  const c = client(n.url, { getToken: async () => { asked++; return jwt("alice", 3); } });
  const { seen, subscribed } = watch(c, "tokens");
  await subscribed;
  assert.equal(c.user, "alice");
  // Three token lifetimes on one connection.
  await new Promise((res) => setTimeout(res, 8000));
  assert.equal(c.state, "connected");
  assert.deepEqual(seen.events.filter((e) => e.type === "disconnected"), []);
  assert.ok(seen.events.filter((e) => e.type === "refreshed").length >= 2, JSON.stringify(seen.events));
  assert.ok(asked >= 3);
  const sender = client(n.url, { token: jwt("bob", 60) });
  await sender.publish("tokens", { tag: "t", i: 0 });
  await until("a message after the refreshes", () => seen.messages.length === 1);
  // A token endpoint that fails: the error is told and the current token stands.
  const failing = client(n.url, { getToken: (() => { let n = 0; return async () => { if (n++) throw new Error("down"); return jwt("carol", 2); }; })() });
  const f = watch(failing, null);
  await failing.ready();
  await until("the refresh failure told", () => f.seen.events.some((e) => e.type === "error" && /refresh failed/.test(e.message)), 10000);
});

test("held requests: made while reconnecting, sent after the welcome; bounded; timed out unsent", { timeout: 90000 }, async () => {
  const { redis, nodes: [n1] } = await cluster(1);
  const laterPort = await freePort();
  const laterUrl = `ws://127.0.0.1:${laterPort}/ws`;
  const c = client([n1.url, laterUrl], { maxHeldRequests: 3, requestTimeoutMs: 60000,
    backoff: { initialMs: 50, maxMs: 200 } });
  const { seen, subscribed } = watch(c, "held");
  await subscribed;
  n1.stop();
  await until("reconnecting", () => c.state === "reconnecting");
  const publish = c.publish("held", { tag: "h", i: 0 });
  const presence = c.presence("held");
  const history = c.history("held");
  assert.equal(c.heldRequests, 3);
  await assert.rejects(c.broadcast({ x: 1 }), (e) => e.code === "held_queue_full" && e.sent === false);
  const n2 = await startNode(`js-held-${process.pid}`, redis.url, FLAGS, { port: laterPort });
  stops.push(n2.stop);
  const [offset, p, h] = await Promise.all([publish, presence, history]);
  assert.ok(offset > 0);
  assert.equal(p.connections, 1, "the room was subscribed again before the held requests went");
  assert.equal(h.room, "held");
  await until("the held publish delivered", () => seen.messages.some((m) => m.data.tag === "h"));
  // Nowhere to connect: a held request fails with timeout, marked as never sent.
  const lonely = client(`ws://127.0.0.1:${await freePort()}/ws`, { requestTimeoutMs: 300 });
  await assert.rejects(lonely.presence("x"), (e) => e.code === "timeout" && e.sent === false);
});

test("a resubscription refused for good ends the room with an event, and is not asked again", { timeout: 60000 }, async () => {
  const { nodes: [n1, n2] } = await cluster(2, [...FLAGS, "--jwt-secret", SECRET]);
  // The first token grants the node's own metrics room; the next one (asked for on the reconnect,
  // since the first ends within 10 s) does not.
  const tokens = [jwt("dave", 8, { rooms: ["wsc:metrics"] }), jwt("dave", 60)];
  const c = client([n1.url], { getToken: async () => tokens.shift() ?? jwt("dave", 60) });
  const { seen, subscribed } = watch(c, "wsc:metrics");
  await subscribed;
  const res = await fetch(`${n1.admin}/admin/shed?count=1&to=${n2.id}`, { method: "POST" });
  assert.equal(res.status, 202);
  await until("the room ended", () => seen.events.some((e) => e.type === "unsubscribed" && e.room === "wsc:metrics"), 20000);
  assert.match(seen.events.find((e) => e.type === "unsubscribed").reason, /^forbidden/);
  assert.deepEqual(Object.keys(c.rooms), []);
  await new Promise((res) => setTimeout(res, 1000));
  assert.deepEqual(seen.events.filter((e) => e.type === "error" && /subscribing/.test(e.message)), [], "no retry");
});
