// Writes k8s/base/prometheus-rule.yaml from docker/prometheus/alerts.yml, so the cluster's PrometheusRule and the
// compose stack's Prometheus evaluate the same rules (one file to edit). `npm run generate` after editing alerts.yml;
// the k8s checks fail while the committed copy differs from what this writes.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";
import YAML from "yaml";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ALERTS = path.resolve(here, "../../docker/prometheus/alerts.yml");
export const RULE = path.resolve(here, "../base/prometheus-rule.yaml");

export function renderRule() {
  const alerts = YAML.parse(readFileSync(ALERTS, "utf8"));
  const rule = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: "sluice-alerts", labels: { "app.kubernetes.io/part-of": "sluice" } },
    spec: { groups: alerts.groups },
  };
  return "# GENERATED from docker/prometheus/alerts.yml by k8s/test/gen-prometheus-rule.mjs (npm run generate); do not edit.\n"
    + YAML.stringify(rule, { lineWidth: 0 });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(RULE, renderRule());
  console.log(`wrote ${path.relative(process.cwd(), RULE)}`);
}
