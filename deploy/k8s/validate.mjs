// Validates rendered Kubernetes manifests (the output of `kubectl kustomize`, read from a file or
// standard input) against the Kubernetes JSON schemas of the npm package kubernetes-models
// (installed by check.sh into .check/node_modules), then checks what a schema cannot see.
//
//   node deploy/k8s/validate.mjs NAME [FILE]      prints "NAME: valid (N objects: ...)" or the errors, exit 1
//   node deploy/k8s/validate.mjs --node-env [FILE]  prints the environment of the wscluster node
//                                                   container as shell `export` lines (for check.sh)
//
// 1. Schema: each object by its apiVersion and kind; an unknown apiVersion/kind is an error.
// 2. Unknown fields: kubernetes-models' validators do not reject properties the schema does not
//    name (the API server would, or would drop them silently). Each object is validated through a
//    Proxy that records which properties the validator reads: it reads every property its schema
//    names, and enumerates the keys of free-form maps (labels, data, resources); any other key is
//    reported as an unknown field.
// 3. Consistency: selectors match their pod templates; Services and PodDisruptionBudgets select
//    some pods; every ConfigMap and Secret a pod refers to, and each key it names, is rendered;
//    probes name ports the container has; a StatefulSet's serviceName is a headless Service; a PDB
//    has only one of minAvailable and maxUnavailable; a wscluster node's
//    terminationGracePeriodSeconds covers WSC_DRAIN_TIMEOUT + WSC_SHUTDOWN_TIMEOUT.
// Placeholder secrets (REPLACE-ME) are reported as a warning, not an error.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(new URL("./.check/package.json", import.meta.url));
const YAML = require("yaml");

const [name, file] = process.argv.slice(2);
if (!name) {
  console.error("usage: node validate.mjs NAME [FILE] | --node-env [FILE]");
  process.exit(2);
}
const nodeEnvOnly = name === "--node-env";
const text = readFileSync(file ?? 0, "utf8");

const errors = [];
const docs = YAML.parseAllDocuments(text);
const objects = [];
for (const d of docs) {
  if (d.errors.length) {
    errors.push(`YAML: ${d.errors.map((e) => e.message).join("; ")}`);
    continue;
  }
  const o = d.toJS();
  if (o !== null && o !== undefined) objects.push(o);
}
if (objects.length === 0) errors.push("no objects rendered");

const id = (o) => `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;

// ---- 1 and 2: schema and unknown fields ----
function modelOf(o) {
  if (typeof o.apiVersion !== "string" || typeof o.kind !== "string" || !/^[A-Za-z0-9]+$/.test(o.kind)) return null;
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : [null, o.apiVersion];
  const path = group ? `kubernetes-models/${group}/${version}/${o.kind}` : `kubernetes-models/${version}/${o.kind}`;
  try {
    const mod = require(path);
    const model = mod[o.kind];
    return model && model.apiVersion === o.apiVersion && model.kind === o.kind ? model : null;
  } catch {
    return null;
  }
}

function tracked(root) {
  const read = new Map(); // JSON path -> properties the validator read (or "*" when it enumerated the keys)
  const wrap = (value, path) => {
    if (value === null || typeof value !== "object") return value;
    if (!read.has(path)) read.set(path, new Set());
    const seen = read.get(path);
    return new Proxy(value, {
      get(t, k, r) {
        const v = Reflect.get(t, k, r);
        if (typeof k !== "string") return v;
        seen.add(k);
        return wrap(v, `${path}/${k}`);
      },
      has(t, k) {
        if (typeof k === "string") seen.add(k);
        return Reflect.has(t, k);
      },
      ownKeys(t) {
        seen.add("*");
        return Reflect.ownKeys(t);
      },
      getOwnPropertyDescriptor(t, k) {
        if (typeof k === "string") seen.add(k);
        return Reflect.getOwnPropertyDescriptor(t, k);
      },
    });
  };
  return { proxy: wrap(root, ""), read };
}

function unknownFields(value, read, path = "") {
  if (value === null || typeof value !== "object") return [];
  const seen = read.get(path);
  const out = [];
  for (const k of Object.keys(value)) {
    const known = Array.isArray(value) || (seen && (seen.has("*") || seen.has(k)));
    if (!known) out.push(`${path}/${k}`);
    else out.push(...unknownFields(value[k], read, `${path}/${k}`));
  }
  return out;
}

const counts = new Map();
for (const o of objects) {
  counts.set(o.kind, (counts.get(o.kind) ?? 0) + 1);
  const model = modelOf(o);
  if (!model) {
    errors.push(`${id(o)}: unknown apiVersion/kind ${o.apiVersion} ${o.kind}`);
    continue;
  }
  const { proxy, read } = tracked(structuredClone(o));
  try {
    model.prototype.validate.call(proxy);
  } catch (e) {
    errors.push(`${id(o)}: ${String(e.message).split("\n").join("; ")}`);
    continue;
  }
  for (const f of unknownFields(o, read)) errors.push(`${id(o)}: unknown field ${f}`);
}

// ---- 3: consistency ----
const byKind = (kind) => objects.filter((o) => o.kind === kind);
const find = (kind, n) => objects.find((o) => o.kind === kind && o.metadata?.name === n);
const matches = (selector, labels) =>
  selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
const workloads = objects.filter((o) => ["Deployment", "StatefulSet", "DaemonSet"].includes(o.kind) && o.spec?.template);
const podLabels = workloads.map((w) => w.spec.template.metadata?.labels ?? {});
const seconds = (d) => {
  const m = /^(\d+)(ms|s|m|h)$/.exec(String(d ?? ""));
  return m ? Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2]] : null;
};
const warnings = [];
const nodeEnvs = [];

for (const w of workloads) {
  const spec = w.spec;
  const sel = spec.selector?.matchLabels;
  if (!matches(sel, spec.template.metadata?.labels)) errors.push(`${id(w)}: selector does not match its pod template's labels`);
  if (w.kind === "StatefulSet") {
    const svc = find("Service", spec.serviceName);
    if (!svc) errors.push(`${id(w)}: serviceName ${spec.serviceName} is not a rendered Service`);
    else if (svc.spec?.clusterIP !== "None") errors.push(`${id(w)}: serviceName ${spec.serviceName} is not headless`);
  }
  const pod = spec.template.spec ?? {};
  const env = {};
  for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
    const where = `${id(w)} container ${c.name}`;
    for (const ef of c.envFrom ?? []) {
      const ref = ef.configMapRef ?? ef.secretRef;
      const kind = ef.configMapRef ? "ConfigMap" : "Secret";
      const target = find(kind, ref?.name);
      if (!target && !ref?.optional) errors.push(`${where}: envFrom ${kind} ${ref?.name} is not rendered`);
      for (const [k, v] of Object.entries(target?.data ?? {})) env[k] = kind === "Secret" ? Buffer.from(v, "base64").toString() : v;
      for (const [k, v] of Object.entries(target?.stringData ?? {})) env[k] = v;
    }
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
      if (ref) {
        const kind = e.valueFrom.configMapKeyRef ? "ConfigMap" : "Secret";
        const target = find(kind, ref.name);
        if (!target && !ref.optional) errors.push(`${where}: env ${e.name} refers to ${kind} ${ref.name}, not rendered`);
        else if (target && !ref.optional && !(ref.key in (target.data ?? {})) && !(ref.key in (target.stringData ?? {})))
          errors.push(`${where}: env ${e.name} refers to key ${ref.key}, not in ${kind} ${ref.name}`);
      } else if ("value" in e) env[e.name] = e.value;
    }
    const ports = new Set((c.ports ?? []).flatMap((p) => [p.name, p.containerPort]));
    for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"]) {
      const port = c[probe]?.httpGet?.port ?? c[probe]?.tcpSocket?.port;
      if (typeof port === "string" && !ports.has(port)) errors.push(`${where}: ${probe} names port ${port}, which it does not have`);
    }
    if (c.image?.startsWith("wscluster/") && (c.args ?? [])[0] === "node") {
      for (const e of c.env ?? []) if (e.valueFrom?.fieldRef?.fieldPath === "metadata.name") env[e.name] = `${w.metadata.name}-0`;
      nodeEnvs.push(env);
      const drain = seconds(env.WSC_DRAIN_TIMEOUT ?? "1m");
      const stop = seconds(env.WSC_SHUTDOWN_TIMEOUT ?? "10s");
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      if (drain === null || stop === null) errors.push(`${where}: WSC_DRAIN_TIMEOUT or WSC_SHUTDOWN_TIMEOUT does not parse`);
      else if (grace < drain + stop + 10)
        errors.push(`${where}: terminationGracePeriodSeconds ${grace} < drain-timeout ${drain} + shutdown-timeout ${stop} + 10`);
      if (!c.lifecycle?.preStop) errors.push(`${where}: no preStop hook to drain the node`);
      if (pod.enableServiceLinks !== false) errors.push(`${where}: enableServiceLinks is not false`);
    }
  }
}
for (const s of byKind("Service")) {
  if (s.spec?.selector && !podLabels.some((l) => matches(s.spec.selector, l))) errors.push(`${id(s)}: selector matches no pod template`);
}
for (const p of byKind("PodDisruptionBudget")) {
  if (p.spec?.minAvailable !== undefined && p.spec?.maxUnavailable !== undefined)
    errors.push(`${id(p)}: has both minAvailable and maxUnavailable`);
  if (!podLabels.some((l) => matches(p.spec?.selector?.matchLabels, l))) errors.push(`${id(p)}: selector matches no pod template`);
}
for (const s of byKind("Secret")) {
  for (const [k, v] of Object.entries(s.data ?? {}))
    if (Buffer.from(v, "base64").toString().includes("REPLACE-ME")) warnings.push(`${id(s)} ${k}`);
}

if (nodeEnvOnly) {
  if (nodeEnvs.length !== 1) {
    console.error(`--node-env: expected one wscluster node container, found ${nodeEnvs.length}`);
    process.exit(1);
  }
  const quote = (v) => `'${String(v).replaceAll("'", `'\\''`)}'`;
  for (const [k, v] of Object.entries(nodeEnvs[0])) if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) console.log(`export ${k}=${quote(v)}`);
  process.exit(0);
}
if (errors.length) {
  for (const e of errors) console.error(`${name}: ${e}`);
  console.error(`${name}: INVALID (${errors.length} error(s) in ${objects.length} objects)`);
  process.exit(1);
}
if (warnings.length) console.log(`${name}: warning: placeholder secrets, replace before a real deployment: ${warnings.join(", ")}`);
const summary = [...counts].sort().map(([k, n]) => `${n} ${k}`).join(", ");
console.log(`${name}: valid (${objects.length} objects: ${summary})`);
