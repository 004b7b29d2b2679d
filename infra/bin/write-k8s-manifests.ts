// Writes the Kubernetes manifests of an environment as plain YAML, for teams that apply them with kubectl
// or Argo CD instead of `cdk deploy`, or (--format helm-values) the values of the Helm chart in
// infra/helm/informix-grpc-proxy that render the same objects. ARNs that CDK would resolve are given on the
// command line; --prometheus-endpoint adds the ADOT sidecar that remote-writes to Managed Prometheus.
//   npm run k8s:manifests -w infra -- --env staging-eks --image <uri>@sha256:... \
//     --role-arn arn:aws:iam::...:role/... --secret-arn arn:aws:secretsmanager:... \
//     --api-keys-secret-arn arn:aws:secretsmanager:... [--tls-secret-arn ... (required with proxy.tls)] [--out dir]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { loadEnvironmentConfig } from "../src/config/load.js";
import { helmValues } from "../src/kubernetes/helm-values.js";
import { buildKubernetesManifests } from "../src/kubernetes/manifests.js";

const { values } = parseArgs({
  options: {
    env: { type: "string", default: "staging-eks" },
    image: { type: "string" },
    "role-arn": { type: "string" },
    "secret-arn": { type: "string" },
    "api-keys-secret-arn": { type: "string" },
    "tls-secret-arn": { type: "string" },
    "informix-host": { type: "string" },
    "prometheus-endpoint": { type: "string" },
    format: { type: "string", default: "manifests" },
    out: { type: "string" },
  },
});

const config = loadEnvironmentConfig(values.env ?? "staging-eks");
if (!config.eks) throw new Error(`environment ${config.name} has no eks section`);
const required = [
  "image",
  "role-arn",
  "secret-arn",
  "api-keys-secret-arn",
  ...(config.proxy.tls ? ["tls-secret-arn"] : []),
];
const missing = (required as (keyof typeof values)[]).filter((k) => !values[k]);
if (missing.length > 0) throw new Error(`missing --${missing.join(", --")}`);
const host = config.informix.host;
const informixHost = values["informix-host"] ?? (host.mode === "existing" ? host.host : undefined);
if (!informixHost) throw new Error("--informix-host is required when the environment creates its Informix host");

const inputs = {
  config,
  eks: config.eks,
  image: values.image as string,
  informixHost,
  roleArn: values["role-arn"] as string,
  informixSecretArn: values["secret-arn"] as string,
  apiKeysSecretArn: values["api-keys-secret-arn"] as string,
  tlsSecretArn: values["tls-secret-arn"],
  prometheus: values["prometheus-endpoint"]
    ? { region: config.region, endpoint: values["prometheus-endpoint"] }
    : undefined,
};
const helm = values.format === "helm-values";
if (!helm && values.format !== "manifests") throw new Error("--format is manifests or helm-values");
const manifests = buildKubernetesManifests(inputs);
const yaml = helm ? stringify(helmValues(inputs)) : manifests.map((m) => stringify(m)).join("---\n");
if (values.out) {
  mkdirSync(values.out, { recursive: true });
  const file = join(values.out, `informix-grpc-proxy-${config.name}${helm ? ".values" : ""}.yaml`);
  writeFileSync(file, yaml);
  console.error(helm ? `wrote the Helm values to ${file}` : `wrote ${manifests.length} objects to ${file}`);
} else {
  process.stdout.write(yaml);
}
