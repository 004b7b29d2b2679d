// What the infrastructure relies on from the proxy: ports, paths and the config file location.
export const GRPC_PORT = 50051;
export const HTTP_PORT = 9090;
export const READINESS_PATH = "/readyz";
export const LIVENESS_PATH = "/healthz";
export const METRICS_PATH = "/metrics";
export const CONFIG_DIR = "/etc/informix-grpc-proxy";
export const CONFIG_PATH = `${CONFIG_DIR}/config.yaml`;
/** Prometheus job label the alert rules select on. */
export const PROMETHEUS_JOB = "informix-grpc-proxy";
/** The container runs as this numeric user (the image's "node" user). */
export const CONTAINER_UID = "1000:1000";
/**
 * The config-writing init container (ECS): the image's node writes PROXY_CONFIG_YAML to the path given as
 * its argument. .ci/image.sh runs exactly this, as CONTAINER_UID on an empty volume, before starting the proxy.
 */
export const WRITE_CONFIG_ENTRYPOINT = [
  "node",
  "-e",
  "require('node:fs').writeFileSync(process.argv[1], process.env.PROXY_CONFIG_YAML)",
];
