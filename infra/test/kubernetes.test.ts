// The Kubernetes option: manifests (probes, limits, HPA, PDB, IRSA) and the EKS stack that applies them.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Match } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { loadEnvironmentConfig } from "../src/config/load.js";
import { buildKubernetesManifests, type KubernetesObject } from "../src/kubernetes/manifests.js";
import { type SynthesizedEnvironment, synthesize } from "./synth.js";

const staging = loadEnvironmentConfig("staging-eks");
// The plaintext variant (as a dev cluster would run it, with the explicit opt-out); TLS is tested below.
const config = {
  ...staging,
  proxy: { ...staging.proxy, tls: false, insecure: { reason: "a plaintext cluster for these tests" } },
};
const eks = config.eks as NonNullable<typeof config.eks>;
const ROLE = "arn:aws:iam::111122223333:role/proxy-irsa";
const SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:informix-AbCdEf";
const API_KEYS_SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:api-key-hashes-AbCdEf";
const TLS_SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:tls-AbCdEf";
const manifests = buildKubernetesManifests({
  config,
  eks,
  image: "111122223333.dkr.ecr.eu-west-1.amazonaws.com/informix-grpc-proxy@sha256:abc",
  informixHost: "informix.staging.internal",
  roleArn: ROLE,
  informixSecretArn: SECRET,
  apiKeysSecretArn: API_KEYS_SECRET,
});
// biome-ignore lint/suspicious/noExplicitAny: test reads deep into plain JSON objects
const byKind = (kind: string) => manifests.find((m) => m.kind === kind) as any;

describe("Kubernetes manifests", () => {
  it("probes readiness over gRPC health and liveness over /healthz", () => {
    const container = byKind("Deployment").spec.template.spec.containers[0];
    expect(container.readinessProbe.grpc).toEqual({ port: 50051 });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: 9090 });
    expect(container.startupProbe.grpc).toEqual({ port: 50051 });
  });

  it("sets requests and limits and runs non-root on a read-only root filesystem", () => {
    const pod = byKind("Deployment").spec.template.spec;
    const container = pod.containers[0];
    expect(container.resources).toEqual({
      requests: { cpu: "250m", memory: "512Mi" },
      limits: { cpu: "1", memory: "1Gi" },
    });
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it("gives pods more time to stop than the proxy drains", () => {
    expect(byKind("Deployment").spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(30);
  });

  it("scales with an HPA and protects availability with a PDB", () => {
    expect(byKind("HorizontalPodAutoscaler").spec).toMatchObject({ minReplicas: 2, maxReplicas: 6 });
    expect(byKind("PodDisruptionBudget").spec.minAvailable).toBe(1);
  });

  it("binds the service account to the IRSA role and mounts secrets as files, not values", () => {
    expect(byKind("ServiceAccount").metadata.annotations).toEqual({ "eks.amazonaws.com/role-arn": ROLE });
    expect(JSON.stringify(byKind("SecretProviderClass").spec)).toContain(SECRET);
    const configYaml = byKind("ConfigMap").data["config.yaml"] as string;
    expect(configYaml).toContain("file: /var/run/secrets/informix-grpc-proxy/informix-password");
    expect(JSON.stringify(byKind("Deployment"))).not.toMatch(/secretKeyRef|INFORMIX_PASSWORD/);
  });

  it("mounts the API-key entries as a file the proxy reads, from the secret's apiKeyHashes key", () => {
    const objects = JSON.parse(byKind("SecretProviderClass").spec.parameters.objects) as {
      objectName: string;
      jmesPath: { path: string; objectAlias: string }[];
    }[];
    const apiKeys = objects.find((o) => o.objectName === API_KEYS_SECRET);
    expect(apiKeys?.jmesPath).toEqual([{ path: "apiKeyHashes", objectAlias: "api-key-hashes.json" }]);
    const proxyConfig = parse(byKind("ConfigMap").data["config.yaml"] as string);
    expect(proxyConfig.auth.apiKeysSecret).toEqual({
      file: "/var/run/secrets/informix-grpc-proxy/api-key-hashes.json",
    });
    // The file lands in the CSI volume the proxy container mounts at that directory.
    const container = byKind("Deployment").spec.template.spec.containers[0];
    expect(container.volumeMounts).toContainEqual({
      name: "secrets",
      mountPath: "/var/run/secrets/informix-grpc-proxy",
      readOnly: true,
    });
    expect(JSON.stringify(container.env)).not.toContain("API_KEY");
  });

  it("exposes gRPC through an internal NLB that checks /healthz (readiness is the pod's probe)", () => {
    const service = byKind("Service");
    expect(service.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"]).toBe("internal");
    expect(service.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-healthcheck-path"]).toBe(
      "/healthz",
    );
  });

  it("writes the same objects as plain YAML for kubectl or Argo CD", () => {
    const script = fileURLToPath(new URL("../bin/write-k8s-manifests.ts", import.meta.url));
    const out = execFileSync(
      process.execPath,
      [
        "--import",
        "tsx",
        script,
        "--env",
        "staging-eks",
        "--image",
        "repo@sha256:abc",
        "--role-arn",
        ROLE,
        "--secret-arn",
        SECRET,
        "--api-keys-secret-arn",
        API_KEYS_SECRET,
        "--tls-secret-arn",
        TLS_SECRET,
      ],
      { encoding: "utf8", cwd: fileURLToPath(new URL("..", import.meta.url)) },
    );
    const objects = parseAllDocuments(out).map((d) => d.toJS() as KubernetesObject);
    expect(objects.map((o) => o.kind)).toEqual(manifests.map((m) => m.kind));
    // staging-eks serves TLS, so the script mounts the TLS secret too.
    expect(JSON.stringify(objects)).toContain(TLS_SECRET);
  });

  it("refuses to write TLS manifests without the TLS secret", () => {
    expect(() =>
      buildKubernetesManifests({
        config: staging,
        eks,
        image: "repo@sha256:abc",
        informixHost: "informix.staging.internal",
        roleArn: ROLE,
        informixSecretArn: SECRET,
        apiKeysSecretArn: API_KEYS_SECRET,
      }),
    ).toThrow(/TLS secret's ARN is required/);
  });
});

describe("Kubernetes manifests with TLS (staging-eks)", () => {
  const objects = buildKubernetesManifests({
    config: staging,
    eks,
    image: "repo@sha256:abc",
    informixHost: "informix.staging.internal",
    roleArn: ROLE,
    informixSecretArn: SECRET,
    apiKeysSecretArn: API_KEYS_SECRET,
    tlsSecretArn: TLS_SECRET,
  });
  // biome-ignore lint/suspicious/noExplicitAny: test reads deep into plain JSON objects
  const find = (kind: string) => objects.find((m) => m.kind === kind) as any;

  it("probes readiness over HTTP, since Kubernetes gRPC probes cannot speak TLS", () => {
    const container = find("Deployment").spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: 9090 });
    expect(container.readinessProbe.grpc).toBeUndefined();
  });

  it("mounts the certificate and key as files the proxy watches", () => {
    expect(find("SecretProviderClass").spec.parameters.objects).toContain(TLS_SECRET);
    expect(find("ConfigMap").data["config.yaml"]).toContain("file: /var/run/secrets/informix-grpc-proxy/tls.crt");
  });

  it("listens without an insecure exception", () => {
    const proxyConfig = parse(find("ConfigMap").data["config.yaml"] as string);
    expect(proxyConfig.server.insecure).toBeUndefined();
    expect(proxyConfig.server.tls.cert).toEqual({ file: "/var/run/secrets/informix-grpc-proxy/tls.crt" });
  });

  it("mounts the client CA when the environment enables mTLS", () => {
    const mtlsConfig = {
      ...staging,
      proxy: {
        ...staging.proxy,
        security: {
          ...staging.proxy.security,
          mtls: { identityFrom: "san_uri" as const, identities: {}, requireClientCert: true },
        },
      },
    };
    const withMtls = buildKubernetesManifests({
      config: mtlsConfig,
      eks,
      image: "repo@sha256:abc",
      informixHost: "informix.staging.internal",
      roleArn: ROLE,
      informixSecretArn: SECRET,
      apiKeysSecretArn: API_KEYS_SECRET,
      tlsSecretArn: TLS_SECRET,
    });
    // biome-ignore lint/suspicious/noExplicitAny: test reads deep into plain JSON objects
    const get = (kind: string) => withMtls.find((m) => m.kind === kind) as any;
    expect(get("SecretProviderClass").spec.parameters.objects).toContain('"path":"clientCa"');
    const proxyConfig = parse(get("ConfigMap").data["config.yaml"] as string);
    expect(proxyConfig.server.tls.clientCa).toEqual({ file: "/var/run/secrets/informix-grpc-proxy/client-ca.crt" });
    expect(proxyConfig.auth.mtls).toEqual({ identityFrom: "san_uri", identities: {} });
  });
});

describe("EKS stack", () => {
  let env: SynthesizedEnvironment;
  beforeAll(() => {
    env = synthesize("staging-eks");
  });

  it("has no Fargate service, and applies the manifests through the kubectl provider", () => {
    expect(env.stacks.service).toBeUndefined();
    const t = env.template("eksService");
    t.hasResourceProperties("Custom::AWSCDK-EKS-KubernetesResource", { Overwrite: true, Manifest: Match.anyValue() });
  });

  it("lets the IRSA role read the API-key secret", () => {
    const policies = Object.values(env.template("eksService").findResources("AWS::IAM::Policy")).map((p) =>
      JSON.stringify(p.Properties.PolicyDocument),
    );
    expect(policies.join()).toMatch(/secretsmanager:GetSecretValue.*ApiKeyHashes/);
  });

  it("lets only the proxy's service account assume the IRSA role", () => {
    const t = env.template("eksService");
    const roles = Object.values(t.findResources("AWS::IAM::Role")).filter((r) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes("AssumeRoleWithWebIdentity"),
    );
    expect(roles).toHaveLength(1);
    const conditions = Object.values(t.findResources("Custom::AWSCDKCfnJson")).map((r) =>
      JSON.stringify(r.Properties.Value),
    );
    expect(conditions.join()).toContain("system:serviceaccount:informix-grpc-proxy:informix-grpc-proxy");
  });
});
