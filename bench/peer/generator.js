// The neutral generator of bench/peer-socketio.sh: the same workload against wscluster (its
// WebSocket protocol, through `ws`) or Socket.IO 4 (through socket.io-client, WebSocket transport),
// from one Node process. One process and one clock for sender and receiver: each message carries
// its send time (performance.now()), so latency needs no clock sync.
//
//   node generator.js --system wscluster|socketio --urls URL1,URL2 --scenario pairs|big-room
//                     [--rooms 1000] [--subscribers 1000] [--rate 4000] [--duration 20] [--warmup 5]
//                     [--drain 3] [--report out.json]
//
// pairs: --rooms rooms of two members, one on each server, each member publishing every other
//   message of its room: every message crosses servers once (the other member) and is delivered
//   on its own server too (the publisher, a member).
// big-room: --subscribers members of one room, alternating over the servers, and one publisher
//   (not a member) on the first server.
// The rate is messages published per second in all; the report counts deliveries (one per member
// per message) over the measured phase: lost (never arrived within --drain s of the end),
// duplicated, P50/P99/max latency, and the publish errors wscluster answered.
'use strict';
const { performance } = require('node:perf_hooks');
const fs = require('node:fs');
const WebSocket = require('ws');
const { io } = require('socket.io-client');

const opts = parseArgs(process.argv.slice(2));

function parseArgs(argv) {
  const o = { rooms: 1000, subscribers: 1000, rate: 4000, duration: 20, warmup: 5, drain: 3 };
  for (let i = 0; i < argv.length; i += 2) {
    const k = argv[i].replace(/^--/, '');
    const v = argv[i + 1];
    if (v === undefined) throw new Error(`--${k} needs a value`);
    o[k] = ['system', 'urls', 'scenario', 'report'].includes(k) ? v : Number(v);
  }
  if (!['wscluster', 'socketio'].includes(o.system)) throw new Error('--system: wscluster or socketio');
  if (!['pairs', 'big-room'].includes(o.scenario)) throw new Error('--scenario: pairs or big-room');
  if (!o.urls) throw new Error('--urls is needed');
  o.urls = o.urls.split(',');
  return o;
}

/** A wscluster connection: subscribe waits for its reply; publish sends and counts error replies. */
class WscConnection {
  constructor(url) {
    this.url = url;
    this.nextId = 1;
    this.pending = new Map();
    this.onMessage = () => {};
    this.errors = 0;
  }

  open() {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(this.url, { perMessageDeflate: false });
      this.ws.on('error', reject);
      this.ws.on('message', (raw) => {
        const f = JSON.parse(raw);
        if (f.op === 'welcome') {
          resolve();
        } else if (f.op === 'message') {
          this.onMessage(f.room, f.data);
        } else if (f.id !== undefined && this.pending.has(f.id)) {
          this.pending.get(f.id)(f);
          this.pending.delete(f.id);
        } else if (f.op === 'error') {
          this.errors++;
        }
      });
    });
  }

  join(room) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (f) => (f.op === 'subscribed' ? resolve() : reject(new Error(JSON.stringify(f)))));
      this.ws.send(JSON.stringify({ op: 'subscribe', id, room }));
    });
  }

  publish(room, data) {
    // No id: the ack still comes (an ack means stored), and is not waited for, as Socket.IO's
    // emit is not.
    this.ws.send(JSON.stringify({ op: 'publish', room, data }));
  }

  close() {
    this.ws.terminate();
  }
}

/** A Socket.IO connection to bench/peer/socketio-server.js. */
class SioConnection {
  constructor(url) {
    this.url = url;
    this.onMessage = () => {};
    this.errors = 0;
  }

  open() {
    return new Promise((resolve, reject) => {
      this.socket = io(this.url, { transports: ['websocket'], forceNew: true, reconnection: false });
      this.socket.on('connect', resolve);
      this.socket.on('connect_error', reject);
      this.socket.on('message', (room, data) => this.onMessage(room, data));
    });
  }

  join(room) {
    return this.socket.timeout(10000).emitWithAck('join', room);
  }

  publish(room, data) {
    this.socket.emit('publish', room, data);
  }

  close() {
    this.socket.disconnect();
  }
}

function connection(url) {
  return opts.system === 'wscluster' ? new WscConnection(url) : new SioConnection(url);
}

/** Opens (and joins) in batches, so that neither system sees thousands of handshakes at once. */
async function inBatches(items, size, fn) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(fn));
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const members = []; // [{ conn, room }]
  const publishers = []; // per room (pairs: two, alternating) or one (big-room)
  if (opts.scenario === 'pairs') {
    for (let r = 0; r < opts.rooms; r++) {
      const room = `p${r}`;
      const a = { conn: connection(opts.urls[0]), room };
      const b = { conn: connection(opts.urls[1 % opts.urls.length]), room };
      members.push(a, b);
      publishers.push([a.conn, b.conn]);
    }
  } else {
    for (let s = 0; s < opts.subscribers; s++) {
      members.push({ conn: connection(opts.urls[s % opts.urls.length]), room: 'big' });
    }
    const p = connection(opts.urls[0]);
    await p.open();
    publishers.push([p]);
  }
  const perMessage = opts.scenario === 'pairs' ? 2 : opts.subscribers;
  const rooms = opts.scenario === 'pairs' ? publishers.map((_, r) => `p${r}`) : ['big'];

  const total = Math.ceil(opts.rate * (opts.warmup + opts.duration)) + opts.rate;
  const received = new Uint16Array(total);
  const measuredFrom = Math.ceil(opts.rate * opts.warmup);
  const latencies = [];
  const onMessage = (room, data) => {
    if (!data || typeof data.i !== 'number' || data.i >= total) return;
    received[data.i]++;
    if (data.i >= measuredFrom) latencies.push(performance.now() - data.t);
  };
  members.forEach((m) => (m.conn.onMessage = onMessage));

  const t0 = performance.now();
  await inBatches(members, 200, (m) => m.conn.open());
  await inBatches(members, 200, (m) => m.conn.join(m.room));
  console.error(`${opts.system}: ${members.length} connections joined in ${Math.round(performance.now() - t0)} ms`);
  await new Promise((r) => setTimeout(r, 1000));

  // Publishing: every 10 ms what the rate owes, rooms in turn, the room's publishers in turn.
  let sent = 0;
  const start = performance.now();
  const endAt = start + (opts.warmup + opts.duration) * 1000;
  await new Promise((resolve) => {
    const tick = setInterval(() => {
      const now = performance.now();
      const owed = Math.min(total, Math.floor(((now - start) / 1000) * opts.rate));
      if (sent < measuredFrom && owed >= measuredFrom) console.error('measuring');
      while (sent < owed) {
        const r = sent % rooms.length;
        const pubs = publishers[r];
        const by = pubs[Math.floor(sent / rooms.length) % pubs.length];
        by.publish(rooms[r], { i: sent, t: performance.now() });
        sent++;
      }
      if (now >= endAt) {
        clearInterval(tick);
        resolve();
      }
    }, 10);
  });
  const publishedFor = (performance.now() - start) / 1000;
  console.error('measured');
  await new Promise((r) => setTimeout(r, opts.drain * 1000));

  let lost = 0;
  let duplicated = 0;
  for (let i = measuredFrom; i < sent; i++) {
    if (received[i] < perMessage) lost += perMessage - received[i];
    if (received[i] > perMessage) duplicated += received[i] - perMessage;
  }
  latencies.sort((x, y) => x - y);
  const measured = sent - measuredFrom;
  const report = {
    system: opts.system,
    scenario: opts.scenario,
    rate: opts.rate,
    published: measured,
    published_per_sec: Math.round((sent / publishedFor) * 10) / 10,
    deliveries_expected: measured * perMessage,
    delivered: latencies.length,
    lost,
    duplicated,
    p50_ms: round(percentile(latencies, 50)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies[latencies.length - 1] ?? null),
    publish_errors: [...new Set([...members.map((m) => m.conn), ...publishers.flat()])].reduce((n, c) => n + c.errors, 0),
  };
  const json = JSON.stringify(report);
  if (opts.report) fs.writeFileSync(opts.report, json + '\n');
  console.log(json);
  members.forEach((m) => m.conn.close());
  publishers.flat().forEach((c) => c.close());
  setTimeout(() => process.exit(0), 200).unref();
}

function round(x) {
  return x === null ? null : Math.round(x * 1000) / 1000;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
