// Every overlay renders with `kubectl kustomize`, with the objects that make it what it is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { render, overlays, id } from "./lib/render.mjs";

const kinds = (objs) => objs.map(id);

test("the overlays are plain, keda, strimzi and strimzi-keda", () => {
  assert.deepEqual(overlays(), ["keda", "plain", "strimzi", "strimzi-keda"]);
});

for (const overlay of overlays()) {
  test(`${overlay} renders, every object in namespace sluice`, () => {
    const objs = render(overlay);
    assert.ok(objs.length > 15, `${overlay} rendered ${objs.length} objects`);
    assert.deepEqual(objs.filter((o) => o.metadata.namespace !== "sluice").map(id), []);
    for (const name of ["StatefulSet/ingest", "StatefulSet/transform", "Deployment/registry", "PodMonitor/sluice",
      "PrometheusRule/sluice-alerts", "ConfigMap/sluice-topics"]) {
      assert.ok(kinds(objs).includes(name), `${overlay} lacks ${name}`);
    }
  });
}

test("plain and keda run the sink on stock Connect workers, strimzi on a KafkaConnect", () => {
  for (const o of ["plain", "keda"]) {
    const k = kinds(render(o));
    assert.ok(k.includes("StatefulSet/connect") && k.includes("Job/connect-connector"), o);
    assert.ok(!k.some((x) => x.startsWith("KafkaConnect")), o);
  }
  for (const o of ["strimzi", "strimzi-keda"]) {
    const k = kinds(render(o));
    assert.ok(k.includes("KafkaConnect/sluice-connect") && k.includes("KafkaConnector/sluice-warehouse"), o);
    assert.ok(!k.includes("StatefulSet/connect") && !k.includes("Job/connect-connector"), o);
    assert.equal(render(o).find((x) => x.kind === "KafkaConnect").apiVersion, "kafka.strimzi.io/v1");
  }
});

test("keda overlays scale the transforms and the Connect workers, the others nothing", () => {
  const scaled = (o) => render(o).filter((x) => x.kind === "ScaledObject").map((x) => `${x.spec.scaleTargetRef.kind}/${x.spec.scaleTargetRef.name}`).sort();
  assert.deepEqual(scaled("keda"), ["StatefulSet/connect", "StatefulSet/transform"]);
  assert.deepEqual(scaled("strimzi-keda"), ["KafkaConnect/sluice-connect", "StatefulSet/transform"]);
  assert.deepEqual(scaled("plain"), []);
  assert.deepEqual(scaled("strimzi"), []);
  // the HPA owns the replica count of what it scales
  assert.equal(render("keda").find((x) => id(x) === "StatefulSet/transform").spec.replicas, undefined);
  assert.equal(render("strimzi-keda").find((x) => x.kind === "KafkaConnect").spec.replicas, undefined);
});
