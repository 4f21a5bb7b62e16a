// The deployment policies hold for every overlay, and each fails on a manifest broken the way the field breaks it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { render, overlays } from "./lib/render.mjs";
import * as P from "./lib/policies.mjs";

for (const overlay of overlays()) {
  for (const [name, policy] of Object.entries(P.POLICIES)) {
    test(`${overlay}: ${name}`, () => assert.deepEqual(policy(render(overlay)), []));
  }
}

const get = (objs, kind, name) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const container = (objs, name) => get(objs, "StatefulSet", name)?.spec.template.spec.containers[0];
/** Breaks a fresh copy of OVERLAY with BREAK and expects POLICY to name it (MESSAGE). */
function fails(policy, overlay, brk, message) {
  const objs = render(overlay);
  brk(objs);
  const v = policy(objs);
  assert.ok(v.some((s) => message.test(s)), `expected a violation matching ${message}, got ${JSON.stringify(v)}`);
}

test("ingestSingleton fails on two replicas, a Deployment, or a scaler on ingest", () => {
  fails(P.ingestSingleton, "plain", (o) => { get(o, "StatefulSet", "ingest").spec.replicas = 2; }, /replicas 2/);
  fails(P.ingestSingleton, "plain", (o) => { get(o, "StatefulSet", "ingest").kind = "Deployment"; }, /must be a StatefulSet/);
  fails(P.ingestSingleton, "keda", (o) => { get(o, "ScaledObject", "transform").spec.scaleTargetRef.name = "ingest"; }, /never be autoscaled/);
});

test("scalersBounded fails past the partitions, on a missing or foreign trigger, without a scale-down window", () => {
  fails(P.scalersBounded, "keda", (o) => { get(o, "ScaledObject", "transform").spec.maxReplicaCount = 7; }, /maxReplicaCount 7 exceeds the 6 partitions/);
  fails(P.scalersBounded, "keda", (o) => { get(o, "ConfigMap", "sluice-topics").data.partitions = "3"; }, /exceeds the 3 partitions/);
  fails(P.scalersBounded, "keda", (o) => { get(o, "ScaledObject", "connect").spec.triggers.pop(); }, /no trigger for input topic replica\.public\.orders/);
  fails(P.scalersBounded, "keda", (o) => {
    get(o, "ConfigMap", "sluice-topics").data["repartition-topics"] = "sluice-replica-join-repartition";
  }, /no trigger for input topic sluice-replica-join-repartition/);
  fails(P.scalersBounded, "strimzi-keda", (o) => { get(o, "ScaledObject", "sluice-connect").spec.triggers[0].metadata.consumerGroup = "x"; }, /reads group x/);
  fails(P.scalersBounded, "keda", (o) => {
    delete get(o, "ScaledObject", "transform").spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown;
  }, /no scale-down stabilization window/);
});

test("containersHardened fails without probes, limits or a non-root read-only security context", () => {
  fails(P.containersHardened, "plain", (o) => { delete container(o, "transform").readinessProbe; }, /transform lacks a liveness or readiness probe/);
  fails(P.containersHardened, "plain", (o) => { container(o, "ingest").livenessProbe.httpGet.path = "/metrics"; }, /not GET \/health\/live/);
  fails(P.containersHardened, "plain", (o) => { delete container(o, "connect").resources.limits; }, /connect has no cpu and memory limits/);
  fails(P.containersHardened, "plain", (o) => { get(o, "StatefulSet", "connect").spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem = false; }, /plugin has a writable root/);
  fails(P.containersHardened, "plain", (o) => {
    delete container(o, "ingest").securityContext.runAsNonRoot;
    delete get(o, "StatefulSet", "ingest").spec.template.spec.securityContext.runAsNonRoot;
  }, /ingest may run as root/);
  fails(P.containersHardened, "strimzi", (o) => { delete get(o, "KafkaConnect", "sluice-connect").spec.template.pod.securityContext; }, /pods may run as root/);
});

test("selectorsMatch fails when a selector or a Service, PDB, NetworkPolicy or PodMonitor misses the pods", () => {
  fails(P.selectorsMatch, "plain", (o) => { get(o, "StatefulSet", "transform").spec.template.metadata.labels["app.kubernetes.io/name"] = "transforms"; }, /StatefulSet\/transform selector does not match/);
  fails(P.selectorsMatch, "plain", (o) => { get(o, "Service", "registry").spec.selector["app.kubernetes.io/name"] = "schema-registry"; }, /Service\/registry selects no pod/);
  fails(P.selectorsMatch, "plain", (o) => { get(o, "PodDisruptionBudget", "connect").spec.selector.matchLabels["app.kubernetes.io/name"] = "kafka-connect"; }, /PodDisruptionBudget\/connect selects no pod/);
  fails(P.selectorsMatch, "plain", (o) => { get(o, "NetworkPolicy", "sluice-registry").spec.podSelector.matchLabels["app.kubernetes.io/name"] = "reg"; }, /NetworkPolicy\/sluice-registry selects no pod/);
  fails(P.selectorsMatch, "plain", (o) => { get(o, "Service", "connect").spec.ports[0].targetPort = "http"; }, /targets port http/);
  fails(P.selectorsMatch, "strimzi", (o) => { get(o, "PodMonitor", "sluice").spec.podMetricsEndpoints.push({ port: "rest" }); }, /scrapes port rest/);
});

test("memoryCoversHeapAndRocksDb fails when the limit misses heap plus the RocksDB bound", () => {
  fails(P.memoryCoversHeapAndRocksDb, "plain", (o) => { container(o, "transform").resources.limits.memory = "1280Mi"; }, /transform memory limit 1280Mi is below heap 1024 MiB \+ 256 MiB JVM overhead \+ RocksDB bound 256 MiB/);
  fails(P.memoryCoversHeapAndRocksDb, "plain", (o) => {
    const cm = o.find((x) => x.kind === "ConfigMap" && x.metadata.name.startsWith("sluice-config"));
    cm.data["sluice.yaml"] = cm.data["sluice.yaml"].replace("rocksdb.memory.mb: 256", "rocksdb.memory.mb: 1024");
  }, /RocksDB bound 1024 MiB/);
  fails(P.memoryCoversHeapAndRocksDb, "plain", (o) => { container(o, "connect").env.find((e) => e.name === "KAFKA_HEAP_OPTS").value = "-Xmx2g"; }, /connect memory limit 2Gi is below heap 2048/);
  fails(P.memoryCoversHeapAndRocksDb, "plain", (o) => { container(o, "ingest").env = container(o, "ingest").env.filter((e) => e.name !== "JDK_JAVA_OPTIONS"); }, /without an explicit -Xmx/);
});

test("gracePeriodsExceedStopTimeouts fails when a pod is killed before its service stops", () => {
  fails(P.gracePeriodsExceedStopTimeouts, "plain", (o) => { get(o, "StatefulSet", "ingest").spec.template.spec.terminationGracePeriodSeconds = 60; }, /ingest terminationGracePeriodSeconds 60 does not exceed the Debezium engine's stop timeout \(60 s\)/);
  fails(P.gracePeriodsExceedStopTimeouts, "plain", (o) => { container(o, "transform").args.push("--spec", "/etc/sluice/specs"); }, /2 pipeline\(s\) closing \(60 s\)/);
  fails(P.gracePeriodsExceedStopTimeouts, "plain", (o) => {
    const cm = o.find((x) => x.kind === "ConfigMap" && x.metadata.name.startsWith("connect-worker"));
    cm.data["connect-distributed.properties"] = cm.data["connect-distributed.properties"].replace("timeout.ms=30000", "timeout.ms=55000");
  }, /connect .*task\.shutdown\.graceful\.timeout\.ms \(55 s\)/);
  fails(P.gracePeriodsExceedStopTimeouts, "strimzi", (o) => { get(o, "KafkaConnect", "sluice-connect").spec.template.pod.terminationGracePeriodSeconds = 30; }, /KafkaConnect.*30 does not exceed/);
});

test("topicsFileIsTheSource fails when a count does not come from topics.yaml", () => {
  fails(P.topicsFileIsTheSource, "strimzi", (o) => { get(o, "KafkaConnector", "sluice-warehouse").spec.tasksMax = 2; }, /tasksMax 2 is not the 6 partitions/);
  fails(P.topicsFileIsTheSource, "strimzi", (o) => { o.splice(o.findIndex((x) => x.kind === "KafkaTopic"), 1); }, /has no KafkaTopic/);
  fails(P.topicsFileIsTheSource, "strimzi", (o) => { o.find((x) => x.kind === "KafkaTopic").spec.partitions = 12; }, /12 partitions x 3 replicas, topics\.yaml says 6 x 3/);
  fails(P.topicsFileIsTheSource, "plain", (o) => { container(o, "ingest").env[0] = { name: "SLUICE_INGEST_PARTITIONS", value: "6" }; }, /SLUICE_INGEST_PARTITIONS/);
});

test("configAndSecretsMounted fails when sluice.yaml is not the ConfigMap or a ${file:} secret is not mounted", () => {
  fails(P.configAndSecretsMounted, "plain", (o) => {
    container(o, "ingest").volumeMounts = container(o, "ingest").volumeMounts.filter((m) => m.name !== "secrets");
  }, /ingest reads \$\{file:\/etc\/sluice\/secrets\/source\.properties/);
  fails(P.configAndSecretsMounted, "plain", (o) => {
    get(o, "StatefulSet", "transform").spec.template.spec.volumes.find((v) => v.name === "config").configMap.name = "other";
  }, /does not mount sluice\.yaml from the ConfigMap/);
  fails(P.configAndSecretsMounted, "strimzi", (o) => { delete get(o, "KafkaConnect", "sluice-connect").spec.template.connectContainer.volumeMounts; }, /strimzifile:\/mnt\/sluice-secrets\/warehouse\.properties/);
});

test("monitoringMatchesCompose fails when the rule is a fork of alerts.yml or the PodMonitor is gone", () => {
  fails(P.monitoringMatchesCompose, "plain", (o) => { o.find((x) => x.kind === "PrometheusRule").spec.groups[1].rules[0].for = "5m"; }, /differs from docker\/prometheus\/alerts\.yml/);
  fails(P.monitoringMatchesCompose, "plain", (o) => { o.splice(o.findIndex((x) => x.kind === "PodMonitor"), 1); }, /no PodMonitor/);
});
