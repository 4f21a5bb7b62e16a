// The PrometheusRule is docker/prometheus/alerts.yml, regenerated, not a fork.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { renderRule, RULE } from "./gen-prometheus-rule.mjs";

test("k8s/base/prometheus-rule.yaml is what gen-prometheus-rule.mjs makes of docker/prometheus/alerts.yml", () => {
  assert.equal(readFileSync(RULE, "utf8"), renderRule(), "stale: run `npm run generate` in k8s/test");
});
