// The Helm chart renders, for an environment's values, the same objects as the CDK EKS stack applies
// (buildKubernetesManifests), compared field by field after removing what only Helm adds (its own labels, the
// config checksum) and what the chart leaves to the release (the Namespace). Needs helm: run by
// .ci/helm-checks.sh, which installs it and sets HELM.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { loadEnvironmentConfig } from "../../src/config/load.js";
import type { EnvironmentConfig } from "../../src/config/schema.js";
import { helmValues } from "../../src/kubernetes/helm-values.js";
import {
  buildKubernetesManifests,
  type KubernetesInputs,
  type KubernetesObject,
} from "../../src/kubernetes/manifests.js";

const HELM = process.env.HELM ?? "helm";
const CHART = fileURLToPath(new URL("../../helm/informix-grpc-proxy", import.meta.url));
const KUBE_VERSION = process.env.KUBE_VERSION ?? "1.31.0";

function inputsFor(config: EnvironmentConfig, withMetrics: boolean): KubernetesInputs {
  const eks = config.eks as NonNullable<EnvironmentConfig["eks"]>;
  return {
    config,
    eks,
    image: `111122223333.dkr.ecr.eu-west-1.amazonaws.com/informix-grpc-proxy-staging-eks@sha256:${"a".repeat(64)}`,
    informixHost: "informix.staging.internal",
    roleArn: "arn:aws:iam::111122223333:role/proxy-irsa",
    informixSecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:informix-AbCdEf",
    apiKeysSecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:api-key-hashes-AbCdEf",
    tlsSecretArn: config.proxy.tls ? "arn:aws:secretsmanager:eu-west-1:111122223333:secret:tls-AbCdEf" : undefined,
    prometheus: withMetrics
      ? { region: "eu-west-1", endpoint: "https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/" }
      : undefined,
  };
}

function helmTemplate(values: Record<string, unknown>, namespace: string): KubernetesObject[] {
  const dir = mkdtempSync(join(tmpdir(), "igp-helm-"));
  const file = join(dir, "values.json");
  writeFileSync(file, JSON.stringify(values));
  const out = execFileSync(
    HELM,
    ["template", "informix-grpc-proxy", CHART, "--namespace", namespace, "--kube-version", KUBE_VERSION, "-f", file],
    { encoding: "utf8" },
  );
  return parseAllDocuments(out)
    .map((d) => d.toJSON())
    .filter(Boolean);
}

/** What Helm adds and the CDK objects do not carry, and encodings that differ only in form. */
function normalize(object: KubernetesObject): KubernetesObject {
  const copy = structuredClone(object) as KubernetesObject & {
    metadata: { labels?: Record<string, string> };
    spec?: {
      parameters?: { objects?: string };
      template?: { metadata?: { annotations?: Record<string, string> } };
    };
    data?: Record<string, string>;
  };
  delete copy.metadata.labels?.["helm.sh/chart"];
  delete copy.metadata.labels?.["app.kubernetes.io/managed-by"];
  delete copy.spec?.template?.metadata?.annotations?.["checksum/config"];
  if (copy.kind === "SecretProviderClass" && copy.spec?.parameters?.objects) {
    copy.spec.parameters.objects = JSON.parse(copy.spec.parameters.objects);
  }
  if (copy.kind === "ConfigMap" && copy.metadata.name.endsWith("-adot") && copy.data) {
    copy.data = { "config.yaml": parse(copy.data["config.yaml"] ?? "") };
  }
  return copy;
}

const staging = loadEnvironmentConfig("staging-eks");
const plaintext: EnvironmentConfig = {
  ...staging,
  proxy: { ...staging.proxy, tls: false, insecure: { reason: "a plaintext cluster for the chart comparison" } },
};

describe.each([
  ["staging-eks (TLS, metrics to Managed Prometheus)", staging, true],
  ["a plaintext cluster without the collector", plaintext, false],
] as const)("helm template equals the CDK EKS manifests: %s", (_name, config, withMetrics) => {
  const inputs = inputsFor(config, withMetrics);
  const cdk = buildKubernetesManifests(inputs).filter((o) => o.kind !== "Namespace");
  const helm = helmTemplate(helmValues(inputs), inputs.eks.namespace);

  it("renders the same kinds and names", () => {
    const ids = (objects: KubernetesObject[]) => objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(ids(helm)).toEqual(ids(cdk));
  });

  it.each(cdk.map((o) => [`${o.kind}/${o.metadata.name}`, o] as const))(
    "%s is the same in substance",
    (_id, object) => {
      const rendered = helm.find((o) => o.kind === object.kind && o.metadata.name === object.metadata.name);
      expect(rendered, `${object.kind}/${object.metadata.name}`).toBeDefined();
      expect(normalize(rendered as KubernetesObject)).toEqual(normalize(object));
    },
  );
});

describe("the chart's own options", () => {
  const inputs = inputsFor(staging, true);
  const values = helmValues(inputs) as Record<string, Record<string, unknown>>;

  it("adds a NetworkPolicy and a ServiceMonitor (with its metrics Service) when asked", () => {
    const objects = helmTemplate(
      {
        ...values,
        networkPolicy: { enabled: true },
        metrics: { ...values.metrics, serviceMonitor: { enabled: true, interval: "15s" } },
      },
      "igp",
    );
    const kinds = objects.map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(["NetworkPolicy", "ServiceMonitor"]));
    const policy = objects.find((o) => o.kind === "NetworkPolicy") as unknown as { spec: { policyTypes: string[] } };
    expect(policy.spec.policyTypes).toEqual(["Ingress", "Egress"]);
  });

  it("mounts External Secrets instead of the CSI driver when asked", () => {
    const objects = helmTemplate(
      {
        ...values,
        secrets: {
          provider: "externalSecrets",
          externalSecrets: {
            secretStoreRef: { name: "aws", kind: "ClusterSecretStore" },
            refreshInterval: "1h",
            data: [
              { secretKey: "informix-password", remoteRef: { key: inputs.informixSecretArn, property: "password" } },
            ],
          },
        },
      },
      "igp",
    );
    expect(objects.map((o) => o.kind)).toContain("ExternalSecret");
    expect(objects.map((o) => o.kind)).not.toContain("SecretProviderClass");
    expect(JSON.stringify(objects.find((o) => o.kind === "Deployment"))).toContain(
      '"secretName":"informix-grpc-proxy-secrets"',
    );
  });

  it("refuses to render without a configuration", () => {
    expect(() => helmTemplate({ ...values, config: "" }, "igp")).toThrow(/config/);
  });
});
