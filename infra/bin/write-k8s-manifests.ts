// Writes the Kubernetes manifests of an environment as plain YAML, for teams that apply them with kubectl
// or Argo CD instead of `cdk deploy`. ARNs that CDK would resolve are given on the command line.
//   npm run k8s:manifests -w infra -- --env staging-eks --image <uri>@sha256:... \
//     --role-arn arn:aws:iam::...:role/... --secret-arn arn:aws:secretsmanager:... \
//     --api-keys-secret-arn arn:aws:secretsmanager:... [--tls-secret-arn ... (required with proxy.tls)] [--out dir]
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stringify } from "yaml";
import { loadEnvironmentConfig } from "../src/config/load.js";
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

const manifests = buildKubernetesManifests({
  config,
  eks: config.eks,
  image: values.image as string,
  informixHost,
  roleArn: values["role-arn"] as string,
  informixSecretArn: values["secret-arn"] as string,
  apiKeysSecretArn: values["api-keys-secret-arn"] as string,
  tlsSecretArn: values["tls-secret-arn"],
});
const yaml = manifests.map((m) => stringify(m)).join("---\n");
if (values.out) {
  mkdirSync(values.out, { recursive: true });
  const file = join(values.out, `informix-grpc-proxy-${config.name}.yaml`);
  writeFileSync(file, yaml);
  console.error(`wrote ${manifests.length} objects to ${file}`);
} else {
  process.stdout.write(yaml);
}
