// Builds the proxy's YAML configuration file for a deployment. Secrets appear only as references
// ({env: NAME} on ECS, {file: PATH} on Kubernetes); the values arrive from Secrets Manager at run time.
import { stringify } from "yaml";
import type { EnvironmentConfig } from "./config/schema.js";
import { GRPC_PORT, HTTP_PORT } from "./proxy-contract.js";

export type SecretRef = { env: string } | { file: string };

export interface ProxyConfigInputs {
  readonly config: EnvironmentConfig;
  /** Host name or address of the Informix DRDA listener (may be a CDK token). */
  readonly informixHost: string;
  readonly informixUser: SecretRef;
  readonly informixPassword: SecretRef;
}

/** Environment variable names ECS fills from Secrets Manager through the task definition's `secrets`. */
export const SECRET_ENV = { informixUser: "INFORMIX_USER", informixPassword: "INFORMIX_PASSWORD" } as const;

export function renderProxyConfig(inputs: ProxyConfigInputs): string {
  const { config } = inputs;
  const conn = config.informix.connection;
  return stringify({
    server: {
      // Inside a task or pod the proxy must listen on all interfaces for the load balancer to reach it.
      host: "0.0.0.0",
      grpcPort: GRPC_PORT,
      httpPort: HTTP_PORT,
      // The NLB passes TCP through and the tasks sit in private subnets behind security groups. TLS and
      // API keys (secrets already provisioned) are switched on once the proxy supports them.
      insecure: true,
      drainTimeoutMs: config.proxy.drainTimeoutMs,
    },
    databases: {
      informix: {
        driver: "informix",
        host: inputs.informixHost,
        port: conn.drdaPort,
        database: conn.database,
        server: conn.server,
        userSecret: inputs.informixUser,
        password: inputs.informixPassword,
        default: true,
      },
    },
    logging: { level: config.proxy.logLevel },
  });
}
