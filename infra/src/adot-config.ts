// Configuration of the ADOT collector sidecar: scrape the proxy's /metrics every 15 s, remote-write
// everything to Amazon Managed Prometheus, and publish the request counter to CloudWatch for autoscaling.
import { stringify } from "yaml";
import { HTTP_PORT, METRICS_PATH, PROMETHEUS_JOB } from "./proxy-contract.js";

/** Pinned ADOT collector release for the Fargate sidecar and the EKS sidecar alike; bump deliberately. */
export const ADOT_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3";
export const SCRAPE_INTERVAL_SECONDS = 15;
export const REQUEST_METRIC_NAMESPACE = "InformixGrpcProxy";
export const REQUEST_METRIC_NAME = "grpc_server_started_total";

export interface AdotConfigInputs {
  readonly region: string;
  /** The workspace's Prometheus endpoint (ends in "/"). */
  readonly prometheusEndpoint: string;
  readonly serviceName: string;
  readonly emfLogGroupName: string;
}

/**
 * On EKS the sidecar only remote-writes to Managed Prometheus: the HorizontalPodAutoscaler scales on CPU,
 * so there is no CloudWatch metric to publish, and the pod's identity comes from the environment
 * (OTEL_RESOURCE_ATTRIBUTES set from the downward API) instead of the ECS metadata endpoint.
 */
export function renderEksAdotConfig(inputs: Omit<AdotConfigInputs, "emfLogGroupName">): string {
  return stringify({
    extensions: { sigv4auth: { region: inputs.region, service: "aps" }, health_check: {} },
    receivers: {
      prometheus: {
        config: {
          global: { scrape_interval: `${SCRAPE_INTERVAL_SECONDS}s`, scrape_timeout: "10s" },
          scrape_configs: [
            {
              job_name: PROMETHEUS_JOB,
              metrics_path: METRICS_PATH,
              static_configs: [{ targets: [`127.0.0.1:${HTTP_PORT}`] }],
            },
          ],
        },
      },
    },
    processors: {
      batch: { timeout: "10s" },
      resourcedetection: { detectors: ["env"] },
      resource: { attributes: [{ key: "ServiceName", value: inputs.serviceName, action: "upsert" }] },
    },
    exporters: {
      prometheusremotewrite: {
        endpoint: `${inputs.prometheusEndpoint}api/v1/remote_write`,
        auth: { authenticator: "sigv4auth" },
        resource_to_telemetry_conversion: { enabled: true },
      },
    },
    service: {
      extensions: ["sigv4auth", "health_check"],
      pipelines: {
        metrics: {
          receivers: ["prometheus"],
          processors: ["resourcedetection", "resource", "batch"],
          exporters: ["prometheusremotewrite"],
        },
      },
    },
  });
}

export function renderAdotConfig(inputs: AdotConfigInputs): string {
  return stringify({
    extensions: { sigv4auth: { region: inputs.region, service: "aps" }, health_check: {} },
    receivers: {
      prometheus: {
        config: {
          global: { scrape_interval: `${SCRAPE_INTERVAL_SECONDS}s`, scrape_timeout: "10s" },
          scrape_configs: [
            {
              job_name: PROMETHEUS_JOB,
              metrics_path: METRICS_PATH,
              static_configs: [{ targets: [`127.0.0.1:${HTTP_PORT}`] }],
            },
          ],
        },
      },
    },
    processors: {
      batch: { timeout: "10s" },
      // Every task scrapes 127.0.0.1: the task ARN label keeps the series of different tasks apart.
      resourcedetection: { detectors: ["env", "ecs"] },
      resource: { attributes: [{ key: "ServiceName", value: inputs.serviceName, action: "upsert" }] },
      // One request counter per task (summed over methods), so its CloudWatch average is per task.
      metricstransform: {
        transforms: [
          {
            include: REQUEST_METRIC_NAME,
            action: "update",
            operations: [{ action: "aggregate_labels", label_set: [], aggregation_type: "sum" }],
          },
        ],
      },
    },
    exporters: {
      prometheusremotewrite: {
        endpoint: `${inputs.prometheusEndpoint}api/v1/remote_write`,
        auth: { authenticator: "sigv4auth" },
        resource_to_telemetry_conversion: { enabled: true },
      },
      awsemf: {
        namespace: REQUEST_METRIC_NAMESPACE,
        log_group_name: inputs.emfLogGroupName,
        dimension_rollup_option: "NoDimensionRollup",
        resource_to_telemetry_conversion: { enabled: true },
        metric_declarations: [{ dimensions: [["ServiceName"]], metric_name_selectors: [`^${REQUEST_METRIC_NAME}$`] }],
      },
    },
    service: {
      extensions: ["sigv4auth", "health_check"],
      pipelines: {
        metrics: {
          receivers: ["prometheus"],
          processors: ["resourcedetection", "batch"],
          exporters: ["prometheusremotewrite"],
        },
        "metrics/autoscaling": {
          receivers: ["prometheus"],
          processors: ["resource", "metricstransform", "batch"],
          exporters: ["awsemf"],
        },
      },
    },
  });
}
