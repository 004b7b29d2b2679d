// Values for the Helm chart (infra/helm/informix-grpc-proxy) from the same inputs as the CDK EKS stack, so
// `helm template` renders the objects buildKubernetesManifests() applies (a test compares them).
import { ADOT_IMAGE } from "../adot-config.js";
import { GRPC_PORT, HTTP_PORT, LIVENESS_PATH } from "../proxy-contract.js";
import { APP_NAME, type KubernetesInputs, PRE_STOP_SECONDS, podSecrets, SECRETS_DIR } from "./manifests.js";

export function helmValues(inputs: KubernetesInputs): Record<string, unknown> {
  const { config, eks } = inputs;
  const { tls, configYaml, secretObjects } = podSecrets(inputs);
  const [repository, digest] = inputs.image.includes("@") ? inputs.image.split("@") : [inputs.image, ""];
  const tagAt = digest ? -1 : (repository as string).lastIndexOf(":");
  const uid = 1000;
  return {
    instance: config.name,
    image: {
      repository: tagAt > 0 ? (repository as string).slice(0, tagAt) : repository,
      tag: tagAt > 0 ? (repository as string).slice(tagAt + 1) : "latest",
      digest,
      pullPolicy: "IfNotPresent",
    },
    replicaCount: eks.replicas,
    serviceAccount: { name: APP_NAME, roleArn: inputs.roleArn },
    config: configYaml,
    secretsDir: SECRETS_DIR,
    secrets: { provider: "csi", csi: { objects: secretObjects } },
    tls: tls !== undefined,
    ports: { grpc: GRPC_PORT, http: HTTP_PORT },
    resources: {
      requests: { cpu: eks.cpuRequest, memory: eks.memoryRequest },
      limits: { cpu: eks.cpuLimit, memory: eks.memoryLimit },
    },
    drainSeconds: Math.ceil(config.proxy.drainTimeoutMs / 1000),
    preStopSeconds: PRE_STOP_SECONDS,
    podSecurityContext: {
      runAsNonRoot: true,
      runAsUser: uid,
      runAsGroup: uid,
      fsGroup: uid,
      seccompProfile: { type: "RuntimeDefault" },
    },
    service: {
      port: GRPC_PORT,
      annotations: {
        "service.beta.kubernetes.io/aws-load-balancer-type": "external",
        "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
        "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "http",
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port": String(HTTP_PORT),
        "service.beta.kubernetes.io/aws-load-balancer-healthcheck-path": LIVENESS_PATH,
      },
    },
    autoscaling: {
      enabled: true,
      minReplicas: eks.minReplicas,
      maxReplicas: eks.maxReplicas,
      targetCPUUtilizationPercentage: eks.cpuTargetPercent,
    },
    podDisruptionBudget: { enabled: true, minAvailable: Math.max(1, eks.minReplicas - 1) },
    metrics: {
      adot: inputs.prometheus
        ? {
            enabled: true,
            image: ADOT_IMAGE,
            region: inputs.prometheus.region,
            prometheusEndpoint: inputs.prometheus.endpoint,
            serviceName: `${APP_NAME}-${config.name}`,
          }
        : { enabled: false },
      serviceMonitor: { enabled: false },
    },
    networkPolicy: { enabled: false },
    topologySpread: true,
  };
}
