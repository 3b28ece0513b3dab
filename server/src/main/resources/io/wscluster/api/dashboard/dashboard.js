// The operator dashboard: the cluster's nodes from /api/cluster, their figures live from the room
// wsc:metrics over the node's own WebSocket protocol, charts of the last 15 minutes (history from
// /api/metrics/history, then live), alerts, failovers and the slowest readers. No build step.
"use strict";

const WINDOW_SECONDS = 15 * 60;
const STEP_SECONDS = 2;          // live samples are bucketed to this step: every node's sample of one step is one point
const POLL_CLUSTER_MS = 2000;
const POLL_SLOW_MS = 5000;

const nodes = new Map();         // id -> {info, figures, seenAt, goneAt}
const buckets = new Map();       // unix second (a multiple of the step) -> Map(node id -> figures)
const charts = {};
let nodeOrder = [];
let redrawQueued = false;

const $ = (id) => document.getElementById(id);
const fmt = (v, digits = 0) => v == null || Number.isNaN(v) ? "–" : Number(v).toLocaleString(undefined,
    { maximumFractionDigits: digits, minimumFractionDigits: digits });
const bytes = (b) => b == null ? "–" : b >= 1 << 20 ? fmt(b / (1 << 20), 1) + " MB" : b >= 1024 ? fmt(b / 1024, 1) + " KB" : fmt(b) + " B";
const clock = (ms) => new Date(ms).toLocaleTimeString();
const esc = (s) => String(s ?? "").replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));

async function getJson(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(path + " answered " + r.status);
  return r.json();
}

function record(nodeId, atSeconds, figures) {
  const t = Math.round(atSeconds / STEP_SECONDS) * STEP_SECONDS;
  if (!buckets.has(t)) buckets.set(t, new Map());
  buckets.get(t).set(nodeId, figures);
  const oldest = Date.now() / 1000 - WINDOW_SECONDS;
  for (const k of buckets.keys()) if (k < oldest) buckets.delete(k);
  queueRedraw();
}

// ---- history, then live ----

async function loadHistory() {
  try {
    const h = await getJson("/api/metrics/history?scope=cluster&window=15m&nodes=true");
    for (const [id, own] of Object.entries(h.by_node || {})) {
      own.at.forEach((at, i) => {
        const figures = {};
        for (const [name, column] of Object.entries(own.figures)) figures[name] = column[i];
        record(id, at, figures);
      });
    }
  } catch (e) {
    console.warn("no history yet:", e.message);
  }
}

let socket = null;
let backoff = 500;

function connect() {
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws";
  socket = new WebSocket(url, "wsc.v1.json");
  let id = 0;
  socket.onmessage = (event) => {
    const f = JSON.parse(event.data);
    if (f.op === "welcome") {
      backoff = 500;
      setLive(true, f.node);
      for (const room of ["wsc:metrics", "wsc:alerts"]) socket.send(JSON.stringify({ op: "subscribe", id: ++id, room }));
    } else if (f.op === "message" && f.room === "wsc:metrics") {
      onFigures(f.data);
    } else if (f.op === "message" && f.room === "wsc:alerts") {
      onAlert(f.data);
    } else if (f.op === "reconnect") {
      socket.close();
    } else if (f.op === "error") {
      console.warn("the node refused:", f.code, f.message);
    }
  };
  socket.onclose = () => {
    setLive(false);
    setTimeout(connect, backoff);
    backoff = Math.min(backoff * 2, 10000);
  };
}

function setLive(on, node) {
  const b = $("live");
  b.textContent = on ? "live" : "reconnecting";
  b.className = "badge" + (on ? "" : " off");
  if (node) $("served-by").textContent = "through node " + node;
}

function onFigures(live) {
  const n = nodes.get(live.node) || { info: null };
  n.figures = live.figures;
  n.seenAt = Date.now();
  nodes.set(live.node, n);
  record(live.node, live.at / 1000, live.figures);
  renderNodes();
}

// ---- cluster, alerts, failovers, slow readers ----

async function pollCluster() {
  try {
    const c = await getJson("/api/cluster");
    const listed = new Set();
    for (const info of c.nodes) {
      listed.add(info.id);
      const n = nodes.get(info.id) || {};
      n.info = info;
      n.goneAt = null;
      nodes.set(info.id, n);
    }
    for (const [id, n] of nodes) if (!listed.has(id) && n.info && !n.goneAt) n.goneAt = Date.now();
    const a = c.autoscaling;
    $("advice").textContent = a ? `utilisation ${fmt(a.utilisation * 100)}% · ${a.active_nodes} active · advice: ${a.desired_nodes} node${a.desired_nodes === 1 ? "" : "s"}` : "";
    const stale = $("stale");
    stale.hidden = !c.stale;
    stale.textContent = c.stale ? "stale view: " + c.error : "";
    renderNodes();
  } catch (e) {
    console.warn(e.message);
  }
}

function renderNodes() {
  const rows = [...nodes.entries()].filter(([, n]) => n.info).sort(([a], [b]) => a.localeCompare(b));
  $("nodes").tBodies[0].innerHTML = rows.map(([id, n]) => {
    const i = n.info, f = n.figures || {};
    const load = f.utilisation ?? (i.capacity ? i.connections / i.capacity : 0);
    const state = n.goneAt ? "gone" : i.state;
    return `<tr class="${n.goneAt ? "gone" : ""}" data-node="${esc(id)}">
      <td>${esc(id)}</td><td class="state state-${esc(state)}">${esc(state)}</td>
      <td>${fmt(i.connections)}${i.capacity ? " / " + fmt(i.capacity) : ""}</td>
      <td><span class="bar"><i class="${load > 0.9 ? "hot" : ""}" style="width:${Math.min(100, load * 100)}%"></i></span> ${fmt(load * 100)}%</td>
      <td>${fmt(i.cpu * 100)}%</td><td>${fmt(i.messages_in_per_sec, 1)}</td><td>${fmt(i.messages_out_per_sec, 1)}</td>
      <td>${f.p99_delivery_ms == null ? "–" : fmt(f.p99_delivery_ms, 2) + " ms"}</td>
      <td>${f.redis_up == null ? "–" : f.redis_up >= 1 ? "up" : "<b class=sev-critical>down</b>"}</td>
      <td>${f.alerts_firing ? `<b class=sev-warning>${fmt(f.alerts_firing)}</b>` : "0"}</td>
      <td>${n.goneAt ? "left " + clock(n.goneAt) : n.seenAt ? clock(n.seenAt) : "–"}</td></tr>`;
  }).join("");
  const ids = rows.map(([id]) => id).join(",");
  if (ids !== nodeOrder.join(",")) {
    nodeOrder = rows.map(([id]) => id);
    charts.connections?.destroy();
    charts.connections = null;
    queueRedraw();
  }
}

function onAlert(t) {
  const li = document.createElement("li");
  li.innerHTML = `${clock(t.at)} <span class="sev-${esc(t.severity)}">${esc(t.alert)}</span> ${esc(t.state)} on ${esc(t.node)}: ${esc(t.figure)} = ${fmt(t.value, 2)}`;
  $("alert-events").prepend(li);
  pollAlerts();
}

async function pollAlerts() {
  try {
    const a = await getJson("/api/alerts?scope=cluster");
    $("alerts").innerHTML = a.firing.length === 0 ? '<li class="quiet">none firing</li>' : a.firing.map((f) =>
      `<li><span class="sev-${esc(f.severity)}">${esc(f.alert)}</span> on ${esc(f.node)} since ${clock(f.since)}: ${esc(f.expression)} (now ${fmt(f.value, 2)})</li>`).join("");
    if ($("alert-events").children.length === 0) {
      $("alert-events").innerHTML = a.recent.slice(0, 20).map((t) =>
        `<li>${clock(t.at)} <span class="sev-${esc(t.severity)}">${esc(t.alert)}</span> ${esc(t.state)} on ${esc(t.node)}</li>`).join("");
    }
  } catch (e) {
    console.warn(e.message);
  }
}

async function pollFailovers() {
  try {
    const f = await getJson("/api/failovers");
    $("failovers").innerHTML = f.failovers.length === 0 ? '<li class="quiet">none</li>' : f.failovers.slice(0, 10).map((r) =>
      `<li>${clock(r.started_at)} node <b>${esc(r.failed_node)}</b> by ${esc(r.coordinator)}: ${esc(r.outcome)}, ${fmt(r.sessions_moved)} sessions moved</li>`).join("");
  } catch (e) {
    console.warn(e.message);
  }
}

async function pollTop() {
  try {
    const t = await getJson("/api/connections/top?n=10");
    const m = t.memory;
    $("top-node").textContent = "on node " + t.node;
    $("memory").textContent = `${fmt(t.connections)} connections · per connection: heap ≤ ${bytes(m.heap_per_connection_bytes)}, direct ≤ ${bytes(m.direct_per_connection_bytes)}, kernel ≈ ${bytes(m.kernel_per_connection_bytes)} · ${bytes(t.queued_bytes)} queued, ${fmt(t.blocked_connections)} blocked`;
    $("top").tBodies[0].innerHTML = t.top.map((c) => `<tr><td>${esc(c.session.slice(0, 10))}…</td><td>${esc(c.user ?? "–")}</td>
      <td>${esc(c.remote)}</td><td>${fmt(c.age_seconds)} s</td><td>${bytes(c.queued_bytes)}</td><td>${c.blocked_ms ? fmt(c.blocked_ms) + " ms" : "–"}</td>
      <td>${fmt(c.held_messages)}</td><td>${bytes(c.bytes_sent)}</td><td>${fmt(c.rooms)}</td></tr>`).join("");
  } catch (e) {
    console.warn(e.message);
  }
}

// ---- charts ----

function queueRedraw() {
  if (redrawQueued) return;
  redrawQueued = true;
  setTimeout(() => { redrawQueued = false; redraw(); }, 250);
}

function column(times, pick) {
  return times.map((t) => pick(buckets.get(t)));
}

const sum = (name) => (byNode) => { let s = null; for (const f of byNode.values()) if (f[name] != null) s = (s ?? 0) + f[name]; return s; };
const worst = (name) => (byNode) => { let s = null; for (const f of byNode.values()) if (f[name] != null) s = Math.max(s ?? 0, f[name]); return s; };
const COLORS = ["#2563eb", "#16a34a", "#d97706", "#9333ea", "#dc2626", "#0891b2", "#4b5563", "#db2777"];

function redraw() {
  const times = [...buckets.keys()].sort((a, b) => a - b);
  const ids = nodeOrder.length ? nodeOrder : [...new Set([...buckets.values()].flatMap((m) => [...m.keys()]))].sort();
  plot("connections", [{ label: "total", stroke: "#1d2330", width: 2 }, ...ids.map((id, i) => ({ label: id, stroke: COLORS[i % COLORS.length] }))],
    [times, column(times, sum("connections")), ...ids.map((id) => column(times, (m) => m.get(id)?.connections ?? null))]);
  plot("messages", [{ label: "in", stroke: "#2563eb" }, { label: "out", stroke: "#16a34a" }],
    [times, column(times, sum("messages_in_per_sec")), column(times, sum("messages_out_per_sec"))]);
  plot("latency", [{ label: "p50 delivery", stroke: "#16a34a" }, { label: "p95 delivery", stroke: "#d97706" },
    { label: "p99 delivery", stroke: "#dc2626" }, { label: "p99 publish", stroke: "#9333ea", dash: [4, 4] }],
    [times, column(times, worst("p50_delivery_ms")), column(times, worst("p95_delivery_ms")),
      column(times, worst("p99_delivery_ms")), column(times, worst("p99_publish_ms"))]);
}

function plot(name, series, data) {
  const el = $("chart-" + name);
  const width = Math.max(300, el.clientWidth);
  if (charts[name] && charts[name].series.length !== series.length + 1) {
    charts[name].destroy();
    charts[name] = null;
  }
  if (!charts[name]) {
    charts[name] = new uPlot({ width, height: 200, series: [{}, ...series.map((s) => ({ spanGaps: true, ...s }))],
      axes: [{}, { size: 60 }], legend: { live: false } }, data, el);
  } else {
    charts[name].setData(data);
  }
}

window.addEventListener("resize", () => { for (const c of Object.values(charts)) c?.setSize({ width: c.root.parentNode.clientWidth, height: 200 }); });

async function start() {
  await loadHistory();
  await pollCluster();
  connect();
  pollAlerts();
  pollFailovers();
  pollTop();
  setInterval(pollCluster, POLL_CLUSTER_MS);
  setInterval(() => { pollAlerts(); pollFailovers(); pollTop(); }, POLL_SLOW_MS);
}

start();
