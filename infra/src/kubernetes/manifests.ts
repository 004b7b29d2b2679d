// The proxy as plain Kubernetes objects for an existing EKS cluster. Used by the EKS stack (applied
// through CDK's kubectl provider) and by bin/write-k8s-manifests.ts (YAML for kubectl or Argo CD).

import { ADOT_IMAGE, renderEksAdotConfig } from "../adot-config.js";
import { EKS_MAX_SURGE, type EnvironmentConfig } from "../config/schema.js";
import { renderProxyConfig } from "../proxy-config.js";
import {
  CONFIG_DIR,
  CONFIG_PATH,
  CONTAINER_UID,
  GRPC_PORT,
  HTTP_PORT,
  LIVENESS_PATH,
  METRICS_PATH,
  READINESS_PATH,
} from "../proxy-contract.js";
import { SECRET_KEYS } from "../stacks/secrets-stack.js";

export type KubernetesObject = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: { name: string } & Record<string, unknown>;
};

export interface KubernetesInputs {
  readonly config: EnvironmentConfig;
  readonly eks: NonNullable<EnvironmentConfig["eks"]>;
  /** Full image reference (repository URI plus tag or @digest). */
  readonly image: string;
  readonly informixHost: string;
  /** IRSA role the service account assumes to read the secret. */
  readonly roleArn: string;
  readonly informixSecretArn: string;
  /** The API-key secret; its apiKeyHashes key is mounted as a file the proxy reads at start. */
  readonly apiKeysSecretArn: string;
  /** The TLS secret, required when the environment serves gRPC over TLS. */
  readonly tlsSecretArn?: string;
  /**
   * Amazon Managed Prometheus: an ADOT collector sidecar scrapes /metrics and remote-writes to this
   * workspace with the pod's IRSA role (which then needs aps:RemoteWrite on it).
   */
  readonly prometheus?: { readonly region: string; readonly endpoint: string };
}

export const APP_NAME = "informix-grpc-proxy";
/**
 * preStop pause before SIGTERM: the AWS Load Balancer Controller deregisters the pod from the NLB while it
 * still serves, so no new connection lands on a pod that is already draining.
 */
export const PRE_STOP_SECONDS = 10;
export const SECRETS_DIR = "/var/run/secrets/informix-grpc-proxy";
/** File names of the mounted secret values under SECRETS_DIR. */
export const SECRET_FILES = {
  informixUser: "informix-user",
  informixPassword: "informix-password",
  apiKeyHashes: "api-key-hashes.json",
  tlsCertificate: "tls.crt",
  tlsPrivateKey: "tls.key",
  tlsClientCa: "client-ca.crt",
} as const;

/** The proxy's configuration and the secrets mounted for it: shared by the manifests and the Helm values. */
export function podSecrets(inputs: KubernetesInputs) {
  const { config } = inputs;
  if (config.proxy.tls && !inputs.tlsSecretArn) {
    // Without it the pods would serve plaintext, which the proxy refuses without an insecure opt-out.
    throw new Error(`${config.name} serves TLS: the TLS secret's ARN is required`);
  }
  const tls = config.proxy.tls ? inputs.tlsSecretArn : undefined;
  const mtls = tls !== undefined && config.proxy.security.mtls !== undefined;
  const configYaml = renderProxyConfig({
    config,
    informixHost: inputs.informixHost,
    informixUser: { file: `${SECRETS_DIR}/${SECRET_FILES.informixUser}` },
    informixPassword: { file: `${SECRETS_DIR}/${SECRET_FILES.informixPassword}` },
    apiKeyHashes: { file: `${SECRETS_DIR}/${SECRET_FILES.apiKeyHashes}` },
    // Files, so the proxy reloads a rotated certificate that the CSI driver writes.
    tls: tls
      ? {
          cert: { file: `${SECRETS_DIR}/${SECRET_FILES.tlsCertificate}` },
          key: { file: `${SECRETS_DIR}/${SECRET_FILES.tlsPrivateKey}` },
          clientCa: mtls ? { file: `${SECRETS_DIR}/${SECRET_FILES.tlsClientCa}` } : undefined,
        }
      : undefined,
  });
  const secretObjects = [
    {
      objectName: inputs.informixSecretArn,
      objectType: "secretsmanager",
      jmesPath: [
        { path: SECRET_KEYS.informixUser, objectAlias: SECRET_FILES.informixUser },
        { path: SECRET_KEYS.informixPassword, objectAlias: SECRET_FILES.informixPassword },
      ],
    },
    {
      // The value under apiKeyHashes is the JSON array as a string: the provider mounts string values only.
      objectName: inputs.apiKeysSecretArn,
      objectType: "secretsmanager",
      jmesPath: [{ path: SECRET_KEYS.apiKeyHashes, objectAlias: SECRET_FILES.apiKeyHashes }],
    },
    ...(tls
      ? [
          {
            objectName: tls,
            objectType: "secretsmanager",
            jmesPath: [
              { path: SECRET_KEYS.tlsCertificate, objectAlias: SECRET_FILES.tlsCertificate },
              { path: SECRET_KEYS.tlsPrivateKey, objectAlias: SECRET_FILES.tlsPrivateKey },
              ...(mtls ? [{ path: SECRET_KEYS.tlsClientCa, objectAlias: SECRET_FILES.tlsClientCa }] : []),
            ],
          },
        ]
      : []),
  ];
  return { tls, mtls, configYaml, secretObjects };
}

export function buildKubernetesManifests(inputs: KubernetesInputs): KubernetesObject[] {
  const { config, eks } = inputs;
  const namespace = eks.namespace;
  const labels = { "app.kubernetes.io/name": APP_NAME, "app.kubernetes.io/instance": config.name };
  const metadata = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace, labels, ...extra });
  const uid = Number(CONTAINER_UID.split(":")[0]);

  const { tls, configYaml, secretObjects } = podSecrets(inputs);
  // Kubernetes gRPC probes speak plaintext only; with TLS on, readiness asks the HTTP /readyz instead.
  const readinessProbe = tls
    ? { httpGet: { path: READINESS_PATH, port: HTTP_PORT }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 2 }
    : { grpc: { port: GRPC_PORT }, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 2 };
  const startupProbe = tls
    ? { httpGet: { path: LIVENESS_PATH, port: HTTP_PORT }, periodSeconds: 5, failureThreshold: 24 }
    : { grpc: { port: GRPC_PORT }, periodSeconds: 5, failureThreshold: 24 };

  const prometheus = inputs.prometheus;
  const collector = prometheus
    ? {
        name: "adot-collector",
        image: ADOT_IMAGE,
        args: ["--config=/etc/adot/config.yaml"],
        env: [
          { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
          {
            name: "OTEL_RESOURCE_ATTRIBUTES",
            value: `k8s.pod.name=$(POD_NAME),k8s.namespace.name=${namespace},deployment.environment=${config.name}`,
          },
        ],
        resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { cpu: "250m", memory: "256Mi" } },
        securityContext: {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ["ALL"] },
        },
        volumeMounts: [{ name: "adot-config", mountPath: "/etc/adot", readOnly: true }],
      }
    : undefined;

  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      // Pod readiness gates: the controller holds a new pod unready until its NLB target is healthy, so a
      // rolling update never removes the old pods before the new ones receive traffic.
      metadata: { name: namespace, labels: { ...labels, "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } },
    },
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: metadata(APP_NAME, { annotations: { "eks.amazonaws.com/role-arn": inputs.roleArn } }),
      automountServiceAccountToken: true,
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: metadata(`${APP_NAME}-config`),
      data: { "config.yaml": configYaml },
    },
    ...(prometheus
      ? [
          {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: metadata(`${APP_NAME}-adot`),
            data: {
              "config.yaml": renderEksAdotConfig({
                region: prometheus.region,
                prometheusEndpoint: prometheus.endpoint,
                serviceName: `${APP_NAME}-${config.name}`,
              }),
            },
          },
        ]
      : []),
    {
      // AWS Secrets Store CSI provider: mounts the secret's JSON keys as files, read with the pod's IRSA role.
      apiVersion: "secrets-store.csi.x-k8s.io/v1",
      kind: "SecretProviderClass",
      metadata: metadata(`${APP_NAME}-secrets`),
      spec: {
        provider: "aws",
        parameters: {
          usePodIdentity: "false",
          objects: JSON.stringify(secretObjects),
        },
      },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: metadata(APP_NAME),
      spec: {
        replicas: eks.replicas,
        selector: { matchLabels: labels },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: EKS_MAX_SURGE } },
        template: {
          metadata: {
            labels,
            annotations: {
              "prometheus.io/scrape": "true",
              "prometheus.io/port": String(HTTP_PORT),
              "prometheus.io/path": METRICS_PATH,
            },
          },
          spec: {
            serviceAccountName: APP_NAME,
            terminationGracePeriodSeconds: PRE_STOP_SECONDS + Math.ceil(config.proxy.drainTimeoutMs / 1000) + 15,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: uid,
              runAsGroup: uid,
              fsGroup: uid,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "proxy",
                image: inputs.image,
                imagePullPolicy: "IfNotPresent",
                args: ["serve", "--config", CONFIG_PATH],
                ports: [
                  { name: "grpc", containerPort: GRPC_PORT, protocol: "TCP" },
                  { name: "http", containerPort: HTTP_PORT, protocol: "TCP" },
                ],
                env: [{ name: "NODE_ENV", value: "production" }],
                resources: {
                  requests: { cpu: eks.cpuRequest, memory: eks.memoryRequest },
                  limits: { cpu: eks.cpuLimit, memory: eks.memoryLimit },
                },
                // Readiness uses grpc.health.v1.Health (or /readyz with TLS), which reflects database reachability.
                readinessProbe,
                // Liveness asks /healthz, which does not depend on the database: through grpc.health.v1 a
                // database outage would fail the probe and restart every pod.
                livenessProbe: {
                  httpGet: { path: LIVENESS_PATH, port: HTTP_PORT },
                  periodSeconds: 15,
                  timeoutSeconds: 3,
                  failureThreshold: 3,
                },
                startupProbe,
                lifecycle: { preStop: { exec: { command: ["sleep", String(PRE_STOP_SECONDS)] } } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
                volumeMounts: [
                  { name: "config", mountPath: CONFIG_DIR, readOnly: true },
                  { name: "secrets", mountPath: SECRETS_DIR, readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
              ...(collector ? [collector] : []),
            ],
            volumes: [
              { name: "config", configMap: { name: `${APP_NAME}-config` } },
              {
                name: "secrets",
                csi: {
                  driver: "secrets-store.csi.k8s.io",
                  readOnly: true,
                  volumeAttributes: { secretProviderClass: `${APP_NAME}-secrets` },
                },
              },
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
              ...(prometheus ? [{ name: "adot-config", configMap: { name: `${APP_NAME}-adot` } }] : []),
            ],
            topologySpreadConstraints: [
              {
                maxSkew: 1,
                topologyKey: "topology.kubernetes.io/zone",
                whenUnsatisfiable: "ScheduleAnyway",
                labelSelector: { matchLabels: labels },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: metadata(APP_NAME, {
        // AWS Load Balancer Controller: an internal NLB passing TCP through to the pods, checking /healthz (the
        // process), not /readyz: the pod's readiness probe already takes an unready pod out of the endpoints.
        annotations: {
          "service.beta.kubernetes.io/aws-load-balancer-type": "external",
          "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
          "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
          "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "http",
          "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port": String(HTTP_PORT),
          "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": LIVENESS_PATH,
        },
      }),
      spec: {
        type: "LoadBalancer",
        selector: labels,
        ports: [{ name: "grpc", port: GRPC_PORT, targetPort: "grpc", protocol: "TCP" }],
      },
    },
    {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: metadata(APP_NAME),
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: APP_NAME },
        minReplicas: eks.minReplicas,
        maxReplicas: eks.maxReplicas,
        metrics: [
          {
            type: "Resource",
            resource: { name: "cpu", target: { type: "Utilization", averageUtilization: eks.cpuTargetPercent } },
          },
        ],
      },
    },
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: metadata(APP_NAME),
      spec: { minAvailable: Math.max(1, eks.minReplicas - 1), selector: { matchLabels: labels } },
    },
  ];
}
