// wscluster.js: the JavaScript client of a wscluster, for browsers and Node.js 20+.
// One ES module, no dependencies, no build step. The wire contract is docs/protocol.md; how a
// client keeps its guarantees across reconnects is docs/clients.md.

/** What every request answers with when it fails: `code` is the protocol's error code or one of the SDK's own. */
export class WscError extends Error {
  constructor(code, message, sent = true) {
    super(message);
    this.name = "WscError";
    this.code = code;
    // False when the request never left this client: its outcome is known (nothing was done).
    this.sent = sent;
  }
}

export const DEFAULTS = Object.freeze({
  backoff: Object.freeze({ initialMs: 100, maxMs: 10000, multiplier: 2 }),
  requestTimeoutMs: 10000,
  keepAliveMs: 5000,
  connectTimeoutMs: 5000,
  maxHeldRequests: 1000,
  maxInFlight: 50,
});

/** Codes after which a publish may or may not be stored: asked again with the same idempotency key. */
const UNKNOWN_OUTCOME = new Set(["outcome_unknown", "connection_lost", "timeout"]);
/** Codes that asking again cannot change: a room refused with one is dropped, not retried. */
const REFUSALS = new Set(["bad_request", "unauthorized", "forbidden", "not_found", "too_large"]);
const PUBLISH_ATTEMPTS = 5;
/** How many URLs that moves sent the client to are kept to try again (the oldest leaves first). */
const MAX_LEARNED = 8;

/**
 * Exponential backoff with "equal jitter", as the Java SDK and the nodes: attempt n (from 0) waits
 * a random time between half and all of min(max, initial × multiplier^n). Clients that lost the
 * same node do not come back together, yet each waits at least half its step.
 * Worked example with the defaults: attempt 0 waits 50-100 ms, attempt 3 400-800 ms, attempt 7 and later 5-10 s.
 */
export function backoffDelay(backoff, attempt, random = Math.random) {
  const step = Math.floor(Math.min(backoff.maxMs, backoff.initialMs * Math.pow(backoff.multiplier, Math.min(attempt, 62))));
  const half = Math.floor(step / 2);
  return half + Math.floor(random() * (step - half + 1));
}

/** The `exp` of a JWT in epoch milliseconds, or null when it has none or is not a JWT. */
export function tokenExpiry(token) {
  try {
    const part = String(token).split(".")[1];
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const exp = JSON.parse(json).exp;
    return typeof exp === "number" ? exp * 1000 : null;
  } catch {
    return null;
  }
}

function uuid() {
  if (globalThis.crypto?.randomUUID) return globalThis.crypto.randomUUID();
  // randomUUID needs a secure context; getRandomValues does not (a page served over plain http).
  const b = globalThis.crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * How many of this page's (or process's) clients may be opening a connection at once; the others
 * wait their turn. Chromium delays each new WebSocket of a renderer by 1-5 s × 2^(pending + failed
 * / (succeeded + 1)) / 65536 (its WebSocketPerProcessThrottler, at most 2^16): 100 clients of one
 * page reconnecting together after their node died
 * would wait seconds, where taking turns four at a time costs a few handshakes of a millisecond or
 * so. Elsewhere the gate only keeps thousands of clients from opening all at once.
 */
const opening = {
  limit: typeof document === "undefined" ? 64 : 4,
  active: 0,
  waiting: [],
  acquire() {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  },
  release() {
    const next = this.waiting.shift();
    if (next) next(); // the turn passes on: active stays the same
    else this.active--;
  },
};

/**
 * Where and when the client connects next. After a `reconnect` frame: to the URL it names (or
 * another one) after the delay it asks for. After any other end: to another URL than the one that
 * ended, at random (the clients of a dead node must not all land on the same next one), after the
 * backoff for the failures since the last welcome.
 */
class ReconnectPlan {
  #learned = [];
  #opening = null;
  #attempt = 0;
  #move = null;

  constructor(urls, backoff) {
    this.urls = urls;
    this.backoff = backoff;
  }

  opening(url) { this.#opening = url; }

  welcomed() {
    const url = this.#opening;
    if (!this.urls.includes(url) && !this.#learned.includes(url)) {
      this.#learned.push(url); // a node a move sent us to: worth trying when the configured ones fail
      if (this.#learned.length > MAX_LEARNED) this.#learned.shift();
    }
    this.#attempt = 0;
  }

  moveRequested(url, afterMs) { this.#move = { url, afterMs }; }

  /** The connection ended: `{url, delayMs}` of the next attempt. A move applies to this one attempt. */
  next() {
    const move = this.#move;
    this.#move = null;
    if (move) return { url: move.url || this.#other(), delayMs: Math.max(0, move.afterMs) };
    return { url: this.#other(), delayMs: backoffDelay(this.backoff, this.#attempt++) };
  }

  #other() {
    const all = [...new Set([...this.urls, ...this.#learned])];
    const others = all.filter((u) => u !== this.#opening);
    return others.length ? others[Math.floor(Math.random() * others.length)] : this.#opening ?? all[0];
  }
}

/**
 * The rooms and where each stands: its handler and the epoch and offset of the last message handed
 * to it. That position is what a resubscription asks `since` and what duplicates are dropped at or
 * below, so a handler sees each message once, in order, across reconnects. A `gap` frame moves only
 * where a resubscription asks from (`dropped`), not the duplicate mark: messages of the range the
 * server kept (the newest per key) may still follow it, and they are new to the handler.
 */
class Subscriptions {
  rooms = new Map();
  duplicatesDropped = 0;

  add(room, handler, since, token) {
    const r = { handler, epoch: since?.epoch ?? null, offset: since ? since.offset : -1, dropped: -1, token, waiters: [] };
    this.rooms.set(room, r);
    return r;
  }

  subscribeFrame(room) {
    const r = this.rooms.get(room);
    const f = { op: "subscribe", room };
    if (r.epoch != null) f.since = { epoch: r.epoch, offset: Math.max(r.offset, r.dropped) };
    if (r.token) f.token = r.token;
    return f;
  }

  /** The `subscribed` reply: "resubscribed", "lost" (history no longer reaches back) or null for a first subscription. */
  subscribed(f) {
    const r = this.rooms.get(f.room);
    if (!r) return null;
    const meaning = r.epoch == null ? null : f.recovered ? "resubscribed" : "lost";
    if (r.epoch == null || !f.recovered) {
      r.epoch = f.epoch; // a fresh start: messages after the room's latest offset follow
      r.offset = f.offset;
      r.dropped = -1;
    }
    const waiters = r.waiters.splice(0);
    for (const w of waiters) w.resolve({ room: f.room, epoch: f.epoch, offset: f.offset, recovered: !!f.recovered });
    return meaning;
  }

  /** The room message to hand on, or null for a duplicate or a room not subscribed. */
  deliver(f) {
    const r = this.rooms.get(f.room);
    if (!r) return null;
    if (f.epoch === r.epoch && f.offset <= r.offset) {
      this.duplicatesDropped++;
      return null;
    }
    if (f.epoch !== r.epoch) r.dropped = -1;
    r.epoch = f.epoch;
    r.offset = f.offset;
    return r;
  }

  /** A `gap` frame: what was lost, or null when the room is no longer subscribed. */
  gap(f) {
    const r = this.rooms.get(f.room);
    if (!r) return null;
    if (f.epoch === r.epoch) {
      r.dropped = Math.max(r.dropped, f.to);
    } else {
      // The stream went on in an epoch this client had no message of: follow it.
      r.epoch = f.epoch;
      r.offset = f.from - 1;
      r.dropped = f.to;
    }
    return { room: f.room, epoch: f.epoch, from: f.from, to: f.to };
  }

  /** Drops a room and fails whoever waits for its subscription; true when it was subscribed. */
  drop(room, error) {
    const r = this.rooms.get(room);
    if (!r) return false;
    this.rooms.delete(room);
    for (const w of r.waiters.splice(0)) w.reject(error);
    return true;
  }
}

/**
 * A client's requests: each gets an id and waits for the frame with that id, at most the request
 * timeout. At most `window` of them (subscriptions aside, as on the node) await replies at once;
 * more wait their turn, since a node refuses a connection's requests beyond its
 * `max-pending-requests` (100 by default) with `rate_limited`. Requests made between connections
 * wait in a bounded queue (held) and are sent after the next welcome, once the rooms are
 * subscribed again; those still waiting for their turn when a connection ends are held again.
 */
class Requests {
  #pending = new Map();
  #queued = [];
  #held = [];
  /** Keyed publishes whose connection was lost with them in flight: sent again before anything held, in their order. */
  #retried = [];
  #inFlight = 0;
  #nextId = 1;

  constructor(timeoutMs, maxHeld, window) {
    this.timeoutMs = timeoutMs;
    this.maxHeld = maxHeld;
    this.window = window;
  }

  get heldCount() { return this.#held.length + this.#retried.length; }

  /** Sends `frame` on `ws` now, or once fewer than the window await replies; resolves with the reply. */
  send(ws, frame) {
    return this.#enqueue(frame, (e) => this.#dispatch(ws, e));
  }

  /** Holds `frame` until the next connection; `retry` puts it before the requests made meanwhile. */
  hold(frame, retry = false) {
    if (!retry && this.#held.length >= this.maxHeld) {
      return Promise.reject(new WscError("held_queue_full",
        `${this.maxHeld} requests already wait for a connection; ${frame.op} not sent`, false));
    }
    return this.#enqueue(frame, (e) => (retry ? this.#retried : this.#held).push(e));
  }

  #enqueue(frame, place) {
    return new Promise((resolve, reject) => {
      const e = { frame, resolve, reject, id: null, ws: null, counted: false };
      e.timer = setTimeout(() => this.#expire(e), this.timeoutMs);
      place(e);
    });
  }

  #dispatch(ws, e) {
    const counted = e.frame.op !== "subscribe";
    if (counted && this.#inFlight >= this.window) {
      e.ws = ws;
      this.#queued.push(e);
      return;
    }
    e.id = this.#nextId++;
    e.counted = counted;
    if (counted) this.#inFlight++;
    this.#pending.set(e.id, e);
    ws.send(JSON.stringify({ ...e.frame, id: e.id }));
  }

  #expire(e) {
    if (e.id != null) {
      if (this.#pending.get(e.id) !== e) return;
      this.#settle(e);
      e.reject(new WscError("timeout", `no reply to ${e.frame.op} within ${this.timeoutMs} ms`));
      return;
    }
    for (const queue of [this.#queued, this.#held, this.#retried]) {
      const i = queue.indexOf(e);
      if (i >= 0) {
        queue.splice(i, 1);
        e.reject(new WscError("timeout", `not sent: no connection within ${this.timeoutMs} ms`, false));
        return;
      }
    }
  }

  #settle(e) {
    this.#pending.delete(e.id);
    clearTimeout(e.timer);
    if (!e.counted) return;
    this.#inFlight--;
    while (this.#queued.length && this.#inFlight < this.window) {
      const next = this.#queued.shift();
      this.#dispatch(next.ws, next);
    }
  }

  /** Sends every held request, retried publishes first, each queue in the order it was made. */
  release(ws) {
    for (const e of [...this.#retried.splice(0), ...this.#held.splice(0)]) this.#dispatch(ws, e);
  }

  /** The frame answers a request: true when it did. */
  answered(f) {
    const e = f.id == null ? undefined : this.#pending.get(f.id);
    if (!e) return false;
    this.#settle(e);
    if (f.op === "error") e.reject(new WscError(f.code, f.message));
    else e.resolve(f);
    return true;
  }

  /** The connection ended: no reply can come, whatever the server did with the requests sent. */
  connectionLost(code) {
    for (const e of this.#pending.values()) {
      clearTimeout(e.timer);
      e.reject(new WscError("connection_lost",
        `the connection ended before the reply (${code}); the request may or may not have been accepted`));
    }
    this.#pending.clear();
    this.#inFlight = 0;
    // Never sent: they wait for the next connection, before what is held already.
    this.#held.unshift(...this.#queued.splice(0));
  }

  closed() {
    this.connectionLost(1000);
    for (const e of [...this.#retried.splice(0), ...this.#held.splice(0)]) {
      clearTimeout(e.timer);
      e.reject(new WscError("closed", "the client is closed", false));
    }
  }
}

/**
 * A connection to a wscluster that keeps itself alive:
 *
 *   const client = new WscClient(["wss://a.example/ws", "wss://b.example/ws"], { getToken });
 *   client.subscribe("prices", (m) => console.log(m.offset, m.data));
 *   const offset = await client.publish("prices", { EURUSD: 1.08 });
 *
 * When the connection ends it reconnects: after the delay of a `reconnect` frame and to the URL it
 * names, or with backoff and jitter to another of its URLs at random. It keeps its session id
 * (`?session=`, for sticky routing) and subscribes each room again `since` the last offset it
 * handed to a handler, so the server replays exactly what was missed, and drops every message at or
 * below that offset: a handler sees each message once, in order. Requests made between connections
 * wait (bounded) and are sent after the next welcome; a publish whose outcome is unknown is asked
 * again with the same idempotency key, so it is stored once. What cannot be recovered is told:
 * `gap` and `lost` events.
 */
export class WscClient {
  #options;
  #WebSocket;
  #plan;
  #subs = new Subscriptions();
  #requests;
  #listeners = new Map();
  #state = "connecting";
  #conn = null;
  #session = null;
  #node = null;
  #user = null;
  #token;
  #lastAttemptWelcomed = true;
  #reconnectTimer = null;
  #refreshTimer = null;
  #watchdog;
  #lastHeard = 0;
  #pingSentAt = 0;
  #ready;
  #settleReady;

  /**
   * @param urls one WebSocket URL (`ws://host:8080/ws`, or a gateway's) or several: the first is tried first
   * @param options see wscluster.d.ts: token or getToken, WebSocket, backoff, timeouts, maxHeldRequests
   */
  constructor(urls, options = {}) {
    const WS = options.WebSocket ?? globalThis.WebSocket;
    if (typeof WS !== "function") {
      throw new TypeError("wscluster: no WebSocket implementation here: pass options.WebSocket "
        + "(on Node.js 20 run with --experimental-websocket, or pass the ws package's WebSocket)");
    }
    if (options.token != null && options.getToken != null) throw new TypeError("wscluster: give token or getToken, not both");
    if (options.getToken != null && typeof options.getToken !== "function") throw new TypeError("wscluster: getToken must be a function");
    const o = { ...DEFAULTS, ...options, backoff: { ...DEFAULTS.backoff, ...options.backoff } };
    for (const [name, min] of [["requestTimeoutMs", 1], ["keepAliveMs", 10], ["connectTimeoutMs", 1], ["maxHeldRequests", 0],
      ["maxInFlight", 1]]) {
      if (!Number.isFinite(o[name]) || o[name] < min) throw new TypeError(`wscluster: ${name} must be a number of at least ${min}, got ${o[name]}`);
    }
    const b = o.backoff;
    if (!(b.initialMs > 0 && b.maxMs >= b.initialMs && b.multiplier >= 1)) {
      throw new TypeError("wscluster: backoff needs 0 < initialMs <= maxMs and multiplier >= 1");
    }
    this.#options = o;
    this.#WebSocket = WS;
    this.#token = options.token ?? null;
    this.#plan = new ReconnectPlan(WscClient.#urlList(urls), b);
    this.#requests = new Requests(o.requestTimeoutMs, o.maxHeldRequests, o.maxInFlight);
    this.#ready = new Promise((resolve, reject) => { this.#settleReady = { resolve, reject }; });
    this.#ready.catch(() => {}); // closing before the first welcome must not be an unhandled rejection
    this.#watchdog = setInterval(() => this.#watch(), Math.max(5, o.keepAliveMs / 2));
    this.#watchdog.unref?.(); // Node: an open socket or a pending reconnect keeps the process alive, not this
    this.#open(this.#plan.urls[0]);
  }

  static #urlList(urls) {
    const list = typeof urls === "string" ? [urls] : Array.isArray(urls) ? [...urls] : [];
    if (!list.length || list.some((u) => typeof u !== "string" || !u)) {
      throw new TypeError("wscluster: urls must be a WebSocket URL or a non-empty array of them");
    }
    return list;
  }

  /** "connecting" (before the first welcome), "connected", "reconnecting" or "closed". */
  get state() { return this.#state; }
  /** The node this client is connected to, or was last. */
  get node() { return this.#node; }
  /** The session id the server gave; asked for again on every reconnect. */
  get session() { return this.#session; }
  /** The user of the connection's token, null when anonymous. */
  get user() { return this.#user; }
  /** Room messages dropped as duplicates (at or below the last offset handed to a handler). */
  get duplicatesDropped() { return this.#subs.duplicatesDropped; }
  /** Requests waiting for a connection. */
  get heldRequests() { return this.#requests.heldCount; }
  /** The rooms subscribed, with the position of each: `{room: {epoch, offset}}`. */
  get rooms() {
    return Object.fromEntries([...this.#subs.rooms].map(([room, r]) => [room, { epoch: r.epoch, offset: r.offset }]));
  }

  /** Resolves at the first welcome with `{node, session, user}`; rejects if the client is closed before. */
  ready() { return this.#ready; }

  /** Replaces the URLs tried after a loss, e.g. with the nodes `/api/cluster` lists. */
  setUrls(urls) { this.#plan.urls = WscClient.#urlList(urls); }

  /** Listens to an event (see wscluster.d.ts); returns the function that stops listening. */
  on(type, listener) {
    if (typeof listener !== "function") throw new TypeError("wscluster: a listener must be a function");
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type).add(listener);
    return () => this.off(type, listener);
  }

  off(type, listener) { this.#listeners.get(type)?.delete(listener); }

  /**
   * Subscribes to `room`: `handler` gets every message from now on (or after `since`), once each
   * and in order, across reconnects. Resolves with the server's answer `{room, epoch, offset,
   * recovered}` (at the next welcome when between connections); rejects when refused.
   */
  subscribe(room, handler, { since, token } = {}) {
    if (typeof handler !== "function") throw new TypeError("wscluster: subscribe needs a handler function");
    if (this.#state === "closed") return Promise.reject(WscClient.#closedError());
    if (this.#subs.rooms.has(room)) return Promise.reject(new WscError("bad_request", `already subscribed to '${room}'`, false));
    const r = this.#subs.add(room, handler, since, token);
    const subscribed = new Promise((resolve, reject) => r.waiters.push({ resolve, reject }));
    if (this.#conn?.welcomed) this.#subscribeRoom(this.#conn, room, r, 0);
    return subscribed;
  }

  /** Leaves `room`: its handler gets nothing more, and it is not subscribed again after a reconnect. */
  async unsubscribe(room) {
    if (!this.#subs.drop(room, new WscError("unsubscribed", `unsubscribed from '${room}'`, false)) || !this.#conn?.welcomed) return;
    try {
      await this.#requests.send(this.#conn.ws, { op: "unsubscribe", room });
    } catch (e) {
      if (e.code !== "connection_lost") throw e; // the next connection does not subscribe it again anyway
    }
  }

  /**
   * Publishes `data` (any JSON value) to `room`; resolves with its offset once the cluster stored
   * it. Every attempt carries the same idempotency key: when the outcome is unknown it is asked
   * again (5 attempts at most, waiting for a connection), so it is stored once. Rejects with
   * `unavailable` only when certainly not stored, `outcome_unknown` when that cannot be known.
   */
  async publish(room, data, { priority, idempotencyKey } = {}) {
    const frame = { op: "publish", room, data, idempotency_key: idempotencyKey ?? uuid() };
    if (priority) frame.priority = priority;
    return (await this.#keyed(frame)).offset;
  }

  /** Sends `data` to every connection of `user`, on any node (the node's `client-send` must allow it). */
  async send(user, data, { priority } = {}) {
    await this.#call(priority ? { op: "send", user, data, priority } : { op: "send", user, data });
  }

  /** Sends `data` to every connection of the cluster (the node's `client-broadcast` must allow it). */
  async broadcast(data, { priority } = {}) {
    await this.#call(priority ? { op: "broadcast", data, priority } : { op: "broadcast", data });
  }

  /** `{room, users, connections}`, cluster-wide. */
  async presence(room) {
    const f = await this.#call({ op: "presence", room });
    return { room: f.room, users: f.users, connections: f.connections };
  }

  /**
   * The room's stored messages, oldest first: the `limit` newest, after `since` `{epoch, offset}`
   * when given. From another epoch than the room's current one the reply holds the current epoch's.
   */
  async history(room, { since, limit } = {}) {
    const frame = { op: "history", room };
    if (since) frame.since = { epoch: since.epoch, offset: since.offset };
    if (limit) frame.limit = limit;
    const f = await this.#call(frame);
    return { room: f.room, epoch: f.epoch, offset: f.offset, messages: (f.messages ?? []).map(WscClient.#roomMessage) };
  }

  /** Closes the connection for good: requests waiting fail with `closed`. */
  close() {
    if (this.#state === "closed") return;
    this.#setState("closed");
    clearInterval(this.#watchdog);
    clearTimeout(this.#reconnectTimer);
    clearTimeout(this.#refreshTimer);
    const conn = this.#conn;
    this.#conn = null;
    if (conn) {
      clearTimeout(conn.timer);
      conn.done();
      try { conn.ws.close(1000, "bye"); } catch { /* already closing */ }
    }
    this.#requests.closed();
    for (const room of [...this.#subs.rooms.keys()]) this.#subs.drop(room, WscClient.#closedError());
    this.#settleReady.reject(WscClient.#closedError());
    this.#emit("closed", {});
  }

  static #closedError() { return new WscError("closed", "the client is closed", false); }

  static #roomMessage(f) {
    return { room: f.room, epoch: f.epoch, offset: f.offset, data: f.data, from: f.from ?? null, ts: f.ts };
  }

  #call(frame) {
    if (this.#state === "closed") return Promise.reject(WscClient.#closedError());
    // Until the rooms are subscribed again after a welcome, requests wait with the held ones, in order.
    return this.#conn?.released ? this.#requests.send(this.#conn.ws, frame) : this.#requests.hold(frame);
  }

  /** One keyed publish until its outcome is known; after an unknown outcome, `unavailable` says nothing of the earlier attempt. */
  async #keyed(frame) {
    const deadline = Date.now() + 2 * this.#options.requestTimeoutMs;
    let sent = 0;
    let unknownSeen = false;
    let retryFirst = false;
    for (;;) {
      try {
        sent++;
        // Lost in flight with no connection now: sent again first thing on the next one, before
        // what was made meanwhile, so one client's publishes are stored in the order they were made.
        return await (retryFirst ? this.#requests.hold(frame, true) : this.#call(frame));
      } catch (e) {
        retryFirst = false;
        const unknown = UNKNOWN_OUTCOME.has(e.code) && e.sent !== false;
        unknownSeen ||= unknown;
        const again = (unknown || (unknownSeen && e.code === "unavailable")) && sent < PUBLISH_ATTEMPTS
          && Date.now() < deadline && this.#state !== "closed";
        if (!again) {
          if (!unknownSeen) throw e;
          throw new WscError("outcome_unknown", `the message may or may not be stored: ${sent} attempt(s) with its `
            + `idempotency key got no certain answer (last: ${e.message})`);
        }
        if (e.code === "connection_lost" && !this.#conn?.released) retryFirst = true;
        else await sleep(backoffDelay(this.#options.backoff, sent - 1));
      }
    }
  }

  // ---- the connection's life ----

  async #open(url) {
    this.#reconnectTimer = null;
    if (this.#state === "closed") return;
    this.#plan.opening(url);
    let token;
    try {
      token = await this.#connectToken();
    } catch (e) {
      this.#emit("error", new WscError("token_failed", `getToken failed: ${e?.message ?? e}`, false));
      this.#lastAttemptWelcomed = false;
      this.#retry();
      return;
    }
    await opening.acquire();
    let turn = true;
    const done = () => { if (turn) { turn = false; opening.release(); } };
    if (this.#state === "closed") {
      done();
      return;
    }
    let ws;
    try {
      ws = new this.#WebSocket(this.#target(url, token), "wsc.v1.json");
    } catch (e) {
      done();
      this.#emit("error", new WscError("bad_url", `cannot open ${url}: ${e?.message ?? e}`, false));
      this.#lastAttemptWelcomed = false;
      this.#retry();
      return;
    }
    const conn = { ws, url, welcomed: false, token, done };
    this.#conn = conn;
    ws.onopen = done; // the handshake is over: the next client's turn
    // A node that accepts TCP but never welcomes (frozen, or a black hole) must not hold the client.
    conn.timer = setTimeout(() => this.#drop(conn, 4000, `no welcome within ${this.#options.connectTimeoutMs} ms`),
      this.#options.connectTimeoutMs);
    ws.onmessage = (ev) => this.#onData(conn, ev.data);
    ws.onclose = (ev) => this.#ended(conn, ev.code, ev.reason);
    ws.onerror = () => {}; // a close event follows
  }

  /** The token for a new connection: asks getToken when there is none, it nears its end, or the last attempt was refused. */
  async #connectToken() {
    const get = this.#options.getToken;
    if (!get) return this.#token;
    const exp = tokenExpiry(this.#token);
    if (this.#token == null || !this.#lastAttemptWelcomed || (exp != null && exp - Date.now() < 10000)) {
      const token = await get();
      if (typeof token !== "string" || !token) throw new Error("getToken gave no token");
      this.#token = token;
    }
    return this.#token;
  }

  #target(url, token) {
    const u = new URL(url, globalThis.location?.href);
    if (u.protocol === "http:") u.protocol = "ws:";
    if (u.protocol === "https:") u.protocol = "wss:";
    // Browsers cannot set headers on a WebSocket: the token goes in the query, as the protocol allows.
    if (token) u.searchParams.set("token", token);
    if (this.#session) {
      // resume=false: this client knows its exact positions and subscribes with since itself.
      u.searchParams.set("session", this.#session);
      u.searchParams.set("resume", "false");
    }
    return u.toString();
  }

  #onData(conn, data) {
    if (this.#conn !== conn || typeof data !== "string") return; // the JSON subprotocol sends text only
    this.#lastHeard = Date.now();
    let f;
    try { f = JSON.parse(data); } catch { return; }
    switch (f.op) {
      case "welcome": this.#welcome(conn, f); break;
      case "message": this.#message(f); break;
      case "subscribed": this.#subscribed(f); break;
      case "gap": {
        const lost = this.#subs.gap(f);
        if (lost) this.#emit("gap", lost);
        break;
      }
      case "unsubscribed":
        if (f.id == null && this.#subs.drop(f.room, new WscError("unsubscribed", f.reason ?? "ended by the server", false))) {
          this.#emit("unsubscribed", { room: f.room, reason: f.reason ?? null });
        } else {
          this.#requests.answered(f);
        }
        break;
      case "direct_gap": this.#emit("direct_gap", { of: f.of, fromTs: f.from_ts, toTs: f.to_ts }); break;
      case "reconnect": this.#move(conn, f); break;
      case "error":
        if (!this.#requests.answered(f)) this.#emit("error", new WscError(f.code, f.message));
        break;
      default: this.#requests.answered(f); // ack, presence, history, refreshed, pong, reply
    }
  }

  #welcome(conn, f) {
    clearTimeout(conn.timer);
    conn.welcomed = true;
    this.#lastAttemptWelcomed = true;
    this.#session = f.session;
    this.#node = f.node;
    this.#user = f.user ?? null;
    this.#pingSentAt = 0;
    this.#plan.welcomed();
    this.#setState("connected");
    if (f.session_refused) this.#emit("error", new WscError("session_refused", f.session_refused));
    // A resumed session's rooms are subscribed again by the node; otherwise this client does it, since where it is.
    const subscribing = f.resumed ? [] : [...this.#subs.rooms].map(([room, r]) => this.#subscribeRoom(conn, room, r, 0));
    // Held requests go once the rooms are subscribed again (or refused): a held presence counts this client.
    Promise.allSettled(subscribing).then(() => {
      if (this.#conn !== conn) return;
      conn.released = true;
      this.#requests.release(conn.ws);
    });
    this.#scheduleRefresh(conn);
    const who = { node: f.node, session: f.session, user: this.#user };
    this.#emit("connected", { ...who, resumed: !!f.resumed });
    this.#settleReady.resolve(who);
  }

  /** Subscribes a room on `conn`, retrying what may pass later; resolves once the first attempt is answered. */
  #subscribeRoom(conn, room, r, failures) {
    if (this.#conn !== conn || !conn.welcomed || this.#subs.rooms.get(room) !== r) return Promise.resolve();
    return this.#requests.send(conn.ws, this.#subs.subscribeFrame(room)).catch((e) => {
      if (this.#subs.rooms.get(room) !== r) return; // left or subscribed anew meanwhile
      if (REFUSALS.has(e.code)) {
        // Asking again cannot change a refusal: the room ends here. A first subscription's caller
        // learns it from the rejected promise; a resubscription's application from the event.
        const had = r.epoch != null;
        this.#subs.drop(room, e);
        if (had) this.#emit("unsubscribed", { room, reason: `${e.code}: ${e.message}` });
      } else if (this.#conn === conn) {
        this.#emit("error", new WscError(e.code, `subscribing ${room} failed: ${e.message}; retrying`));
        setTimeout(() => this.#subscribeRoom(conn, room, r, failures + 1), backoffDelay(this.#options.backoff, failures));
      } // else the next welcome subscribes it again
    });
  }

  #subscribed(f) {
    const r = this.#subs.rooms.get(f.room);
    const since = r && r.epoch != null ? { epoch: r.epoch, offset: r.offset } : null;
    const meaning = this.#subs.subscribed(f);
    this.#requests.answered(f);
    if (meaning === "resubscribed") this.#emit("resubscribed", { room: f.room, epoch: f.epoch, offset: f.offset });
    if (meaning === "lost") this.#emit("lost", { room: f.room, epoch: f.epoch, offset: f.offset, since });
  }

  #message(f) {
    if (f.room == null) {
      this.#emit("message", { user: f.user ?? null, broadcast: !!f.broadcast, data: f.data, from: f.from ?? null, ts: f.ts });
      return;
    }
    const r = this.#subs.deliver(f);
    if (!r) return;
    try {
      r.handler(WscClient.#roomMessage(f));
    } catch (e) {
      const error = new WscError("handler_failed", `the handler of room '${f.room}' threw: ${e?.message ?? e}`, false);
      if (this.#listeners.get("error")?.size) this.#emit("error", error);
      else console.error(error, e);
    }
  }

  #move(conn, f) {
    const afterMs = Math.max(0, Number(f.after_ms) || 0);
    this.#plan.moveRequested(f.url ?? null, afterMs);
    this.#emit("move", { reason: f.reason ?? null, url: f.url ?? null, afterMs });
    // The node closes the connection itself; should it not, the client goes anyway.
    setTimeout(() => this.#drop(conn, 4002, "asked to reconnect"), afterMs + 2000);
  }

  #scheduleRefresh(conn) {
    clearTimeout(this.#refreshTimer);
    const exp = tokenExpiry(conn.token);
    if (!this.#options.getToken || exp == null) return;
    const left = exp - Date.now();
    // At 80% of the token's remaining life, and at least 5 s before it ends where it lives that long.
    this.#refreshTimer = setTimeout(() => this.#refresh(conn, 0), Math.max(1000, Math.min(left * 0.8, left - 5000)));
  }

  async #refresh(conn, failures) {
    if (this.#conn !== conn || !conn.welcomed) return;
    try {
      const token = await this.#options.getToken();
      if (this.#conn !== conn) return;
      const reply = await this.#requests.send(conn.ws, { op: "refresh", token });
      this.#token = conn.token = token;
      this.#emit("refreshed", { expiresAt: reply.expires_at ?? null });
      this.#scheduleRefresh(conn);
    } catch (e) {
      if (this.#conn !== conn) return;
      this.#emit("error", new WscError(e.code ?? "token_failed",
        `token refresh failed: ${e.message ?? e}; the current token stands until it expires`, false));
      const left = (tokenExpiry(conn.token) ?? 0) - Date.now();
      if (left > 0) {
        this.#refreshTimer = setTimeout(() => this.#refresh(conn, failures + 1),
          Math.min(backoffDelay(this.#options.backoff, failures), left));
      }
    }
  }

  /** Pings a quiet connection; takes the node for hung when a ping gets no frame back within the keep-alive. */
  #watch() {
    const conn = this.#conn;
    if (!conn?.welcomed) return;
    const now = Date.now();
    const keepAlive = this.#options.keepAliveMs;
    if (this.#pingSentAt && this.#lastHeard < this.#pingSentAt) {
      // Measured from the ping, not from the last frame: a browser that throttled this timer in a
      // background tab must not take its own lateness for a hung node.
      if (now - this.#pingSentAt > keepAlive) {
        this.#emit("error", new WscError("silent", `no frame for ${now - this.#lastHeard} ms and no answer to a ping: taking ${this.#node} for hung`, false));
        this.#drop(conn, 4001, "no answer to a ping");
      }
    } else if (now - this.#lastHeard > keepAlive) {
      this.#pingSentAt = now;
      try { conn.ws.send('{"op":"ping"}'); } catch { /* the close event follows */ }
    }
  }

  /** Ends a connection from this side (its own close event is then ignored). */
  #drop(conn, code, reason) {
    if (this.#conn !== conn) return;
    this.#ended(conn, code, reason);
    try { conn.ws.close(); } catch { /* already closed */ }
  }

  #ended(conn, code, reason) {
    conn.done();
    if (this.#conn !== conn) return;
    this.#conn = null;
    clearTimeout(conn.timer);
    clearTimeout(this.#refreshTimer);
    this.#lastAttemptWelcomed = conn.welcomed;
    this.#requests.connectionLost(code);
    if (this.#state === "closed") return;
    this.#setState("reconnecting");
    this.#emit("disconnected", { code, reason: reason ?? "", node: conn.welcomed ? this.#node : null, url: conn.url });
    this.#retry();
  }

  #retry() {
    const next = this.#plan.next();
    this.#reconnectTimer = setTimeout(() => this.#open(next.url), next.delayMs);
  }

  #setState(state) {
    if (this.#state === state || this.#state === "closed") return;
    this.#state = state;
    this.#emit("state", { state });
  }

  #emit(type, detail) {
    for (const listener of [...(this.#listeners.get(type) ?? [])]) {
      try {
        listener(detail);
      } catch (e) {
        console.error(`wscluster: a '${type}' listener threw`, e);
      }
    }
  }
}
