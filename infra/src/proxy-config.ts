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
  /** PEM certificate chain and key of the gRPC listener, when the environment enables TLS. */
  readonly tls?: { readonly cert: PemSource; readonly key: PemSource };
}

/** The proxy reads PEM from a (watched) file or from a secret reference. */
export type PemSource = { file: string } | { secret: SecretRef };

/** Environment variable names ECS fills from Secrets Manager through the task definition's `secrets`. */
export const SECRET_ENV = {
  informixUser: "INFORMIX_USER",
  informixPassword: "INFORMIX_PASSWORD",
  tlsCertificate: "TLS_CERT_PEM",
  tlsPrivateKey: "TLS_KEY_PEM",
} as const;

export function renderProxyConfig(inputs: ProxyConfigInputs): string {
  const { config } = inputs;
  const conn = config.informix.connection;
  return stringify({
    server: {
      // Inside a task or pod the proxy must listen on all interfaces for the load balancer to reach it.
      host: "0.0.0.0",
      grpcPort: GRPC_PORT,
      httpPort: HTTP_PORT,
      // Tasks sit in private subnets behind security groups and an internal NLB. The proxy demands TLS
      // *and* authentication for a non-loopback bind; until an environment configures authentication,
      // this says so explicitly.
      insecure: true,
      drainTimeoutMs: config.proxy.drainTimeoutMs,
      ...(inputs.tls ? { tls: { cert: inputs.tls.cert, key: inputs.tls.key } } : {}),
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
