// Every rendered object validated strictly against its schema, unknown fields rejected; and the check can fail.
import { test } from "node:test";
import assert from "node:assert/strict";
import { render, overlays } from "./lib/render.mjs";
import { typeErrors, modelErrors, strimziErrors, unvalidated } from "./lib/schemas.mjs";

for (const overlay of overlays()) {
  test(`${overlay}: every object has a schema`, () => assert.deepEqual(unvalidated(render(overlay)), []));
  test(`${overlay}: Kubernetes, KEDA and Prometheus Operator objects match their schemas exactly`, async () => {
    const objs = render(overlay);
    assert.deepEqual(typeErrors(objs, overlay), []);
    assert.deepEqual(await modelErrors(objs), []);
  });
  if (render(overlay).some((o) => o.apiVersion.startsWith("kafka.strimzi.io/"))) {
    test(`${overlay}: Strimzi objects match Strimzi's API models exactly`, () => assert.deepEqual(strimziErrors(render(overlay)), []));
  }
}

test("an unknown or misspelt field fails the Kubernetes, KEDA and Prometheus Operator check", () => {
  const objs = render("keda");
  const find = (kind, name) => objs.find((o) => o.kind === kind && o.metadata.name === name);
  find("StatefulSet", "transform").spec.template.spec.containers[0].readinesProbe = {};
  find("ScaledObject", "transform").spec.triggers[0].lagThreshold = "5000";
  find("PodMonitor", "sluice").spec.podMetricsEndpoints[0].relabelings[0].target_label = "x";
  find("NetworkPolicy", "sluice-metrics").spec.ingress[0].from[0].namespaceSelector.matchLabel = {};
  const errors = typeErrors(objs, "negative").join("\n");
  for (const field of ["readinesProbe", "lagThreshold", "target_label", "matchLabel"]) {
    assert.match(errors, new RegExp(`'"${field}"' does not exist`), errors);
  }
});

test("a wrong type fails the model validators", async () => {
  const objs = render("keda");
  objs.find((o) => o.kind === "ScaledObject").spec.maxReplicaCount = "6";
  assert.match((await modelErrors(objs)).join("\n"), /maxReplicaCount must be integer/);
});

test("an unknown field or apiVersion fails the Strimzi check", () => {
  const objs = render("strimzi");
  objs.find((o) => o.kind === "KafkaConnect").spec.template.connectContainer.securityContext.readOnlyRootFileSystem = true;
  objs.find((o) => o.kind === "KafkaConnector").spec.tasks = 6;
  objs.find((o) => o.kind === "KafkaTopic").apiVersion = "kafka.strimzi.io/v2";
  const errors = strimziErrors(objs).join("\n");
  assert.match(errors, /readOnlyRootFileSystem/);
  assert.match(errors, /KafkaConnector\/sluice-warehouse\.spec: unknown field\(s\) \[tasks\]/);
  assert.match(errors, /apiVersion kafka\.strimzi\.io\/v2 is not one of/);
});
