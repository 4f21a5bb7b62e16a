// Deployment policies over the rendered objects of one overlay. Each returns the list of violations (empty = ok),
// one sentence each, so a test can both pass on the real manifests and show that a broken one fails.
import { readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import path from "node:path";
import YAML from "yaml";
import { REPO_DIR, id } from "./render.mjs";

const WORKLOAD_KINDS = new Set(["StatefulSet", "Deployment", "DaemonSet", "Job"]);
const LONG_RUNNING = new Set(["StatefulSet", "Deployment", "DaemonSet"]);
const MI = 1024 * 1024;

/** A Java constant `NAME = Duration.ofSeconds(N)` of a service's source, in seconds: the stop timeouts. */
export function sourceSeconds(file, name) {
  const text = readFileSync(path.join(REPO_DIR, file), "utf8");
  const m = text.match(new RegExp(`${name}\\s*=\\s*Duration\\.ofSeconds\\((\\d+)\\)`));
  if (!m) throw new Error(`${name} = Duration.ofSeconds(..) not found in ${file}`);
  return Number(m[1]);
}
export const INGEST_STOP_S = () => sourceSeconds("cdc-ingest/src/main/java/dev/sluice/ingest/engine/CdcEngine.java", "STOP_TIMEOUT");
export const TRANSFORM_CLOSE_S = () => sourceSeconds("stream-transforms/src/main/java/dev/sluice/transforms/runtime/TransformService.java", "CLOSE_TIMEOUT");
/** What a stopping JVM needs beyond its services' own stop timeouts (shutdown hooks, flushing producers). */
export const GRACE_MARGIN_S = 10;
/** JVM memory besides heap and RocksDB: metaspace, thread stacks, direct buffers, code cache. */
export const JVM_OVERHEAD = 256 * MI;

export const workloads = (objs) => objs.filter((o) => WORKLOAD_KINDS.has(o.kind));
const byName = (objs, kind, name) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const csv = (s) => (s || "").split(",").map((t) => t.trim()).filter(Boolean);

export function topics(objs) {
  const cm = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name === "sluice-topics");
  if (!cm) return null;
  return {
    partitions: Number(cm.data.partitions), replicas: Number(cm.data.replicas),
    change: csv(cm.data["change-topics"]), row: csv(cm.data["row-topics"]), repartition: csv(cm.data["repartition-topics"]),
  };
}

/** "1Gi", "512Mi", "2G", "1024" -> bytes. */
export function bytes(q) {
  const m = String(q).match(/^(\d+(?:\.\d+)?)([KMGT]i?|[kmgt])?$/);
  if (!m) throw new Error(`not a quantity: ${q}`);
  const units = { K: 1e3, M: 1e6, G: 1e9, T: 1e12, k: 1e3, Ki: 1024, Mi: MI, Gi: 1024 * MI, Ti: 1024 * 1024 * MI };
  return Number(m[1]) * (m[2] ? units[m[2]] ?? (units[m[2].toUpperCase()]) : 1);
}
/** -Xmx1g / -Xmx512m / -Xmx2048k -> bytes (null when absent). */
export function xmx(text) {
  const m = String(text || "").match(/-Xmx(\d+)([kKmMgG])?/);
  if (!m) return null;
  return Number(m[1]) * ({ k: 1024, m: MI, g: 1024 * MI }[(m[2] || "").toLowerCase()] ?? 1);
}
const env = (c, name) => (c.env || []).find((e) => e.name === name);

const podTemplate = (w) => (w.kind === "Job" ? w.spec.template : w.spec.template);
const containersOf = (w) => [...(podTemplate(w).spec.initContainers || []).map((c) => ({ c, init: true })),
  ...podTemplate(w).spec.containers.map((c) => ({ c, init: false }))];
const isSluice = (c) => /(^|\/)sluice(:|@|$)/.test(c.image);
const matches = (selector, labels) => Object.entries(selector || {}).every(([k, v]) => (labels || {})[k] === v);
function matchesSelector(sel, labels) {
  if (!matches(sel.matchLabels, labels)) return false;
  return (sel.matchExpressions || []).every((e) => {
    const has = labels && e.key in labels;
    if (e.operator === "Exists") return has;
    if (e.operator === "DoesNotExist") return !has;
    if (e.operator === "In") return has && e.values.includes(labels[e.key]);
    if (e.operator === "NotIn") return !has || !e.values.includes(labels[e.key]);
    return false;
  });
}

/** The sluice.yaml of the rendered ConfigMap sluice-config (null when absent). */
export function sluiceYaml(objs) {
  const cm = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("sluice-config"));
  return cm ? YAML.parse(cm.data["sluice.yaml"]) : null;
}

// ---------------------------------------------------------------------------------------------------------------

/** Ingest: one StatefulSet of exactly one replica, and nothing scales it. */
export function ingestSingleton(objs) {
  const v = [];
  const ingest = workloads(objs).filter((w) => containersOf(w).some(({ c }) => isSluice(c) && c.args?.[0] === "ingest"));
  if (ingest.length !== 1) v.push(`expected one workload running sluice ingest, found ${ingest.length}`);
  for (const w of ingest) {
    if (w.kind !== "StatefulSet") v.push(`${id(w)} runs ingest: it must be a StatefulSet (a Deployment may run two pods during an update)`);
    if (w.spec.replicas !== 1) v.push(`${id(w)} runs ingest with replicas ${w.spec.replicas}: exactly 1 capture process per slot`);
    for (const s of objs.filter((o) => o.kind === "ScaledObject" || o.kind === "HorizontalPodAutoscaler")) {
      if (s.spec.scaleTargetRef?.name === w.metadata.name) v.push(`${id(s)} scales ${id(w)}: ingest must never be autoscaled`);
    }
  }
  return v;
}

/** The topics a scaler's target consumes, and its consumer group, as the manifests declare them. */
function scalerTarget(objs, so, t) {
  const ref = so.spec.scaleTargetRef;
  const target = objs.find((o) => o.kind === (ref.kind || "Deployment") && o.metadata.name === ref.name);
  if (!target) return { error: `${id(so)} targets ${ref.kind}/${ref.name}, which is not rendered` };
  if (target.kind === "KafkaConnect" || target.metadata.name === "connect") {
    const connectors = objs.filter((o) => o.kind === "KafkaConnector").map((o) => o.metadata.name);
    const name = connectors[0] ?? "sluice-warehouse";
    return { target, group: `connect-${name}`, topics: t.row };
  }
  const app = target.metadata.labels?.["sluice.dev/application-id"];
  if (!app) return { error: `${id(target)} is scaled but has no sluice.dev/application-id label naming its consumer group` };
  return { target, group: app, topics: [...t.change, ...t.repartition] };
}

/** KEDA: max at most the partitions, one lag trigger per input topic (repartition topics too), a scale-down window. */
export function scalersBounded(objs) {
  const v = [];
  const t = topics(objs);
  const scalers = objs.filter((o) => o.kind === "ScaledObject");
  if (scalers.length && !t) return ["ScaledObjects are rendered but the topics file (ConfigMap sluice-topics) is not"];
  for (const so of scalers) {
    const max = so.spec.maxReplicaCount;
    if (!(Number.isInteger(max) && max >= 1 && max <= t.partitions)) {
      v.push(`${id(so)} maxReplicaCount ${max} exceeds the ${t.partitions} partitions of topics.yaml (or is unset)`);
    }
    const window = so.spec.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown?.stabilizationWindowSeconds;
    if (!(window >= 300)) v.push(`${id(so)} has no scale-down stabilization window of at least 300 s (has ${window})`);
    const { error, group, topics: wanted } = scalerTarget(objs, so, t);
    if (error) { v.push(error); continue; }
    const triggers = so.spec.triggers.filter((tr) => tr.type === "kafka");
    for (const tr of triggers) {
      if (tr.metadata.consumerGroup !== group) v.push(`${id(so)} trigger ${tr.name} reads group ${tr.metadata.consumerGroup}, its target consumes as ${group}`);
      if (!wanted.includes(tr.metadata.topic)) v.push(`${id(so)} trigger on ${tr.metadata.topic}, which its target does not consume (topics.yaml)`);
      if (tr.metadata.allowIdleConsumers === "true") v.push(`${id(so)} trigger ${tr.name} allows idle consumers beyond the partitions`);
    }
    for (const topic of wanted) {
      if (!triggers.some((tr) => tr.metadata.topic === topic)) v.push(`${id(so)} has no trigger for input topic ${topic}`);
    }
  }
  return v;
}

/** Every container: limits, non-root, read-only root, no privilege escalation; long-running ones probes (/health/*). */
export function containersHardened(objs) {
  const v = [];
  for (const w of workloads(objs)) {
    const pod = podTemplate(w).spec;
    for (const { c, init } of containersOf(w)) {
      const at = `${id(w)} container ${c.name}`;
      const lim = c.resources?.limits || {};
      if (!lim.cpu || !lim.memory) v.push(`${at} has no cpu and memory limits`);
      const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      const uid = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      if (nonRoot !== true || uid === 0) v.push(`${at} may run as root (runAsNonRoot true and a non-zero uid needed)`);
      if (c.securityContext?.readOnlyRootFilesystem !== true) v.push(`${at} has a writable root filesystem`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) v.push(`${at} allows privilege escalation`);
      if (init || !LONG_RUNNING.has(w.kind)) continue;
      if (!c.livenessProbe || !c.readinessProbe) v.push(`${at} lacks a liveness or readiness probe`);
      if (isSluice(c)) {
        if (c.livenessProbe?.httpGet?.path !== "/health/live") v.push(`${at} liveness probe is not GET /health/live`);
        if (c.readinessProbe?.httpGet?.path !== "/health/ready") v.push(`${at} readiness probe is not GET /health/ready`);
      }
    }
  }
  for (const kc of objs.filter((o) => o.kind === "KafkaConnect")) {
    const s = kc.spec;
    if (!s.resources?.limits?.cpu || !s.resources?.limits?.memory) v.push(`${id(kc)} has no cpu and memory limits`);
    if (s.template?.pod?.securityContext?.runAsNonRoot !== true) v.push(`${id(kc)} pods may run as root`);
    if (s.template?.connectContainer?.securityContext?.readOnlyRootFilesystem !== true) v.push(`${id(kc)} has a writable root filesystem`);
    if (s.template?.connectContainer?.securityContext?.allowPrivilegeEscalation !== false) v.push(`${id(kc)} allows privilege escalation`);
    if (!s.livenessProbe || !s.readinessProbe) v.push(`${id(kc)} sets no liveness and readiness probes`);
  }
  return v;
}

/** Selectors match labels: workloads' own pods, and every Service, PDB, NetworkPolicy and PodMonitor some pod. */
export function selectorsMatch(objs) {
  const v = [];
  const pods = workloads(objs).map((w) => ({ w, labels: podTemplate(w).metadata?.labels || {} }));
  for (const { w, labels } of pods) {
    if (w.kind !== "Job" && !matchesSelector(w.spec.selector, labels)) v.push(`${id(w)} selector does not match its pod labels`);
    if (w.kind === "StatefulSet" && !byName(objs, "Service", w.spec.serviceName)) v.push(`${id(w)} serviceName ${w.spec.serviceName} is not a rendered Service`);
  }
  const anyPod = (sel) => pods.some(({ labels }) => matchesSelector(sel, labels));
  for (const s of objs.filter((o) => o.kind === "Service" && o.spec.selector)) {
    if (!anyPod({ matchLabels: s.spec.selector })) v.push(`${id(s)} selects no pod`);
    const ports = pods.filter(({ labels }) => matches(s.spec.selector, labels))
      .flatMap(({ w }) => podTemplate(w).spec.containers.flatMap((c) => (c.ports || []).map((p) => p.name)));
    for (const p of s.spec.ports) {
      if (typeof p.targetPort === "string" && !ports.includes(p.targetPort)) v.push(`${id(s)} targets port ${p.targetPort}, which its pods do not name`);
    }
  }
  for (const o of objs.filter((x) => x.kind === "PodDisruptionBudget")) if (!anyPod(o.spec.selector)) v.push(`${id(o)} selects no pod`);
  for (const o of objs.filter((x) => x.kind === "NetworkPolicy")) if (!anyPod(o.spec.podSelector)) v.push(`${id(o)} selects no pod`);
  for (const o of objs.filter((x) => x.kind === "PodMonitor")) {
    const scraped = pods.filter(({ labels }) => matchesSelector(o.spec.selector, labels));
    if (!scraped.length) v.push(`${id(o)} selects no pod`);
    const names = scraped.flatMap(({ w }) => podTemplate(w).spec.containers.flatMap((c) => (c.ports || []).map((p) => p.name)));
    for (const e of o.spec.podMetricsEndpoints) if (!names.includes(e.port)) v.push(`${id(o)} scrapes port ${e.port}, which no selected pod names`);
    for (const { w } of scraped) {
      if (!podTemplate(w).metadata.labels[o.spec.jobLabel]) v.push(`${id(w)} is scraped without the ${o.spec.jobLabel} label the alerts' job matcher needs`);
    }
  }
  return v;
}

/** JVM memory: every JVM container's limit covers its heap plus overhead; transforms' also the RocksDB bound. */
export function memoryCoversHeapAndRocksDb(objs) {
  const v = [];
  const conf = sluiceYaml(objs);
  for (const w of workloads(objs)) {
    for (const { c } of containersOf(w)) {
      const heap = xmx(env(c, "JDK_JAVA_OPTIONS")?.value) ?? xmx(env(c, "KAFKA_HEAP_OPTS")?.value);
      const jvm = isSluice(c) || /kafka/.test(c.image);
      if (!jvm) continue;
      const at = `${id(w)} container ${c.name}`;
      if (heap === null) { v.push(`${at} runs a JVM without an explicit -Xmx to check its memory limit against`); continue; }
      let need = heap + JVM_OVERHEAD;
      let what = `heap ${heap / MI} MiB + ${JVM_OVERHEAD / MI} MiB JVM overhead`;
      if (isSluice(c) && c.args?.[0] === "transform") {
        const fromEnv = env(c, "SLUICE_TRANSFORM_ROCKSDB_MEMORY_MB")?.value;
        const mb = Number(fromEnv ?? conf?.transform?.["rocksdb.memory.mb"] ?? 512);
        need += mb * MI;
        what += ` + RocksDB bound ${mb} MiB`;
      }
      const limit = c.resources?.limits?.memory ? bytes(c.resources.limits.memory) : 0;
      if (limit < need) v.push(`${at} memory limit ${c.resources?.limits?.memory} is below ${what} = ${need / MI} MiB`);
    }
  }
  for (const kc of objs.filter((o) => o.kind === "KafkaConnect")) {
    const heap = xmx(`-Xmx${kc.spec.jvmOptions?.["-Xmx"]}`);
    const limit = kc.spec.resources?.limits?.memory ? bytes(kc.spec.resources.limits.memory) : 0;
    if (heap === null || limit < heap + JVM_OVERHEAD) v.push(`${id(kc)} memory limit does not cover -Xmx plus JVM overhead`);
  }
  return v;
}

/** Grace periods exceed the services' stop timeouts (read from their source and configuration). */
export function gracePeriodsExceedStopTimeouts(objs) {
  const v = [];
  const check = (at, grace, stop, why) => {
    if (!(grace >= stop + GRACE_MARGIN_S)) v.push(`${at} terminationGracePeriodSeconds ${grace} does not exceed ${why} (${stop} s) by ${GRACE_MARGIN_S} s`);
  };
  for (const w of workloads(objs).filter((x) => LONG_RUNNING.has(x.kind))) {
    const grace = podTemplate(w).spec.terminationGracePeriodSeconds ?? 30;
    for (const { c } of containersOf(w)) {
      if (isSluice(c) && c.args?.[0] === "ingest") check(id(w), grace, INGEST_STOP_S(), "the Debezium engine's stop timeout");
      if (isSluice(c) && c.args?.[0] === "transform") {
        const pipelines = (c.args.includes("--no-replication") ? 0 : 1) + (c.args.includes("--spec") ? 1 : 0);
        check(id(w), grace, TRANSFORM_CLOSE_S() * Math.max(pipelines, 1), `${Math.max(pipelines, 1)} pipeline(s) closing`);
      }
      if (c.name === "connect") {
        const cm = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("connect-worker"));
        const ms = Number((cm?.data?.["connect-distributed.properties"] || "").match(/^task\.shutdown\.graceful\.timeout\.ms=(\d+)/m)?.[1] ?? 5000);
        check(id(w), grace, ms / 1000, "task.shutdown.graceful.timeout.ms");
      }
    }
  }
  for (const kc of objs.filter((o) => o.kind === "KafkaConnect")) {
    const ms = Number(kc.spec.config?.["task.shutdown.graceful.timeout.ms"] ?? 5000);
    check(id(kc), kc.spec.template?.pod?.terminationGracePeriodSeconds ?? 30, ms / 1000, "task.shutdown.graceful.timeout.ms");
  }
  return v;
}

/** The topics file sizes everything: ingest's partitions, KafkaTopics, tasks.max. */
export function topicsFileIsTheSource(objs) {
  const v = [];
  const t = topics(objs);
  if (!t) return ["the topics file (ConfigMap sluice-topics) is not rendered"];
  const fromTopics = (c, name) => env(c, name)?.valueFrom?.configMapKeyRef?.name === "sluice-topics"
    && env(c, name)?.valueFrom?.configMapKeyRef?.key === "partitions";
  for (const w of workloads(objs)) {
    for (const { c } of containersOf(w)) {
      if (isSluice(c) && c.args?.[0] === "ingest" && !fromTopics(c, "SLUICE_INGEST_PARTITIONS")) {
        v.push(`${id(w)} does not take SLUICE_INGEST_PARTITIONS from sluice-topics`);
      }
      if (w.kind === "Job" && w.metadata.name === "connect-connector") {
        if (!fromTopics(c, "TASKS_MAX")) v.push(`${id(w)} does not take TASKS_MAX from sluice-topics`);
        const json = objs.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("connect-connector"));
        const tasks = JSON.parse(json.data["sluice-warehouse.json"])["tasks.max"];
        if (tasks !== "@TASKS_MAX@") v.push(`connector config has tasks.max ${tasks}, not the partitions (@TASKS_MAX@)`);
      }
    }
  }
  for (const k of objs.filter((o) => o.kind === "KafkaConnector")) {
    if (k.spec.tasksMax !== t.partitions) v.push(`${id(k)} tasksMax ${k.spec.tasksMax} is not the ${t.partitions} partitions`);
  }
  const kts = objs.filter((o) => o.kind === "KafkaTopic");
  if (kts.length) {
    for (const name of [...t.change, ...t.row, ...t.repartition]) {
      const kt = kts.find((k) => (k.spec.topicName ?? k.metadata.name) === name);
      if (!kt) v.push(`topic ${name} of topics.yaml has no KafkaTopic`);
      else if (kt.spec.partitions !== t.partitions || kt.spec.replicas !== t.replicas) {
        v.push(`${id(kt)} has ${kt.spec.partitions} partitions x ${kt.spec.replicas} replicas, topics.yaml says ${t.partitions} x ${t.replicas}`);
      }
    }
  }
  return v;
}

/** sluice.yaml comes from a ConfigMap, and every ${file:...} it or a connector names is on a mounted Secret. */
export function configAndSecretsMounted(objs) {
  const v = [];
  const refs = (text) => [...String(text).matchAll(/\$\{(?:strimzi)?file:([^:}]+):[^}]+\}/g)].map((m) => m[1]);
  const secretMounts = (pod, c) => (c.volumeMounts || []).filter((m) => (pod.volumes || []).find((vol) => vol.name === m.name)?.secret)
    .map((m) => m.mountPath);
  const under = (file, dirs) => dirs.some((d) => file.startsWith(d.endsWith("/") ? d : d + "/"));
  const cmText = (prefix) => objs.filter((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith(prefix))
    .map((o) => Object.values(o.data || {}).join("\n")).join("\n");
  for (const w of workloads(objs)) {
    const pod = podTemplate(w).spec;
    for (const { c } of containersOf(w)) {
      const at = `${id(w)} container ${c.name}`;
      const mounts = secretMounts(pod, c);
      let files = [];
      if (isSluice(c)) {
        const conf = (c.volumeMounts || []).find((m) => m.mountPath === "/etc/sluice/sluice.yaml");
        const vol = conf && (pod.volumes || []).find((x) => x.name === conf.name);
        if (!vol?.configMap?.name?.startsWith("sluice-config")) v.push(`${at} does not mount sluice.yaml from the ConfigMap sluice-config`);
        files = refs(cmText("sluice-config"));
      } else if (c.name === "connect") {
        files = refs(cmText("connect-connector") + cmText("connect-worker"));
      }
      for (const f of files) if (!under(f, mounts)) v.push(`${at} reads \${file:${f}:...} but mounts no Secret there`);
    }
  }
  for (const kc of objs.filter((o) => o.kind === "KafkaConnect")) {
    const t = kc.spec.template || {};
    const mounts = (t.connectContainer?.volumeMounts || []).filter((m) => (t.pod?.volumes || []).find((x) => x.name === m.name)?.secret).map((m) => m.mountPath);
    const files = objs.filter((o) => o.kind === "KafkaConnector").flatMap((k) => refs(JSON.stringify(k.spec.config)));
    for (const f of files) if (!under(f, mounts)) v.push(`${id(kc)} workers resolve \${strimzifile:${f}:...} but mount no Secret there`);
  }
  return v;
}

/** The PodMonitor and the PrometheusRule are there, and the rule's groups are docker/prometheus/alerts.yml's. */
export function monitoringMatchesCompose(objs) {
  const v = [];
  if (!objs.some((o) => o.kind === "PodMonitor")) v.push("no PodMonitor is rendered");
  const rule = objs.find((o) => o.kind === "PrometheusRule");
  const alerts = YAML.parse(readFileSync(path.join(REPO_DIR, "docker/prometheus/alerts.yml"), "utf8"));
  if (!rule) v.push("no PrometheusRule is rendered");
  else if (!isDeepStrictEqual(rule.spec.groups, alerts.groups)) {
    v.push(`${id(rule)} differs from docker/prometheus/alerts.yml; run npm run generate in k8s/test`);
  }
  return v;
}

export const POLICIES = {
  ingestSingleton, scalersBounded, containersHardened, selectorsMatch, memoryCoversHeapAndRocksDb,
  gracePeriodsExceedStopTimeouts, topicsFileIsTheSource, configAndSecretsMounted, monitoringMatchesCompose,
};
