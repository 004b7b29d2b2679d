// Builds the proxy's YAML configuration file for a deployment. Secrets appear only as references
// ({env: NAME} on ECS, {file: PATH} on Kubernetes); the values arrive from Secrets Manager at run time.
import { stringify } from "yaml";
import { PROXY_DATABASE_NAME } from "./config/proxy-security.js";
import type { EnvironmentConfig } from "./config/schema.js";
import { GRPC_PORT, HTTP_PORT } from "./proxy-contract.js";

export type SecretRef = { env: string } | { file: string };

export interface ProxyConfigInputs {
  readonly config: EnvironmentConfig;
  /** Host name or address of the Informix DRDA listener (may be a CDK token). */
  readonly informixHost: string;
  readonly informixUser: SecretRef;
  readonly informixPassword: SecretRef;
  /**
   * The SELECT-only Informix user (the reader secret). When given, every role that may only read on the Informix
   * database gets it as its login, so the database itself refuses what such a role must not do.
   */
  readonly informixReader?: { readonly user: SecretRef; readonly password: SecretRef };
  /** The API-key entries: a JSON array of { name, sha256, roles } (the API-key secret's apiKeyHashes key). */
  readonly apiKeyHashes: SecretRef;
  /** PEM material of the gRPC listener, when the environment enables TLS; clientCa when it enables mTLS. */
  readonly tls?: { readonly cert: PemSource; readonly key: PemSource; readonly clientCa?: PemSource };
}

/** The proxy reads PEM from a (watched) file or from a secret reference. */
export type PemSource = { file: string } | { secret: SecretRef };

/** Environment variable names ECS fills from Secrets Manager through the task definition's `secrets`. */
export const SECRET_ENV = {
  informixUser: "INFORMIX_USER",
  informixPassword: "INFORMIX_PASSWORD",
  informixReaderUser: "INFORMIX_READER_USER",
  informixReaderPassword: "INFORMIX_READER_PASSWORD",
  apiKeyHashes: "API_KEY_HASHES",
  tlsCertificate: "TLS_CERT_PEM",
  tlsPrivateKey: "TLS_KEY_PEM",
  tlsClientCa: "TLS_CLIENT_CA_PEM",
} as const;

export function renderProxyConfig(inputs: ProxyConfigInputs): string {
  const { config } = inputs;
  const conn = config.informix.connection;
  const security = config.proxy.security;
  const capacity = config.proxy.capacity;
  if (config.proxy.tls && !inputs.tls) throw new Error(`${config.name}: proxy.tls is on but no PEM sources were given`);
  if (security.mtls && !inputs.tls?.clientCa) throw new Error(`${config.name}: mTLS needs the client CA PEM source`);
  const tls = config.proxy.tls ? inputs.tls : undefined;
  return stringify({
    server: {
      // Inside a task or pod the proxy must listen on all interfaces for the load balancer to reach it.
      host: "0.0.0.0",
      grpcPort: GRPC_PORT,
      httpPort: HTTP_PORT,
      // The proxy refuses a non-loopback bind without TLS and authentication. API keys are always on, so
      // with TLS it needs no exception; without TLS only an environment's explicit, reasoned opt-out
      // (proxy.insecure, refused for production by the environment schema) writes one.
      ...(!tls && config.proxy.insecure ? { insecure: true } : {}),
      drainTimeoutMs: config.proxy.drainTimeoutMs,
      keepalive: {
        timeMs: config.proxy.grpc.keepaliveTimeMs,
        timeoutMs: 20_000,
        maxConnectionAgeMs: config.proxy.grpc.maxConnectionAgeMs,
        // Calls still running on an aged connection may take as long as a drain.
        maxConnectionAgeGraceMs: config.proxy.drainTimeoutMs,
      },
      ...(tls
        ? {
            tls: {
              cert: tls.cert,
              key: tls.key,
              ...(security.mtls && tls.clientCa
                ? { clientCa: tls.clientCa, requireClientCert: security.mtls.requireClientCert }
                : {}),
            },
          }
        : {}),
    },
    databases: {
      [PROXY_DATABASE_NAME]: {
        driver: "informix",
        host: inputs.informixHost,
        port: conn.drdaPort,
        database: conn.database,
        server: conn.server,
        userSecret: inputs.informixUser,
        password: inputs.informixPassword,
        default: true,
        // Sized from the environment's connection budget (checked at synth: peak tasks × max fits it).
        pool: { max: capacity.poolMax, minIdle: capacity.poolMinIdle },
      },
    },
    sessions: { maxTotal: capacity.maxSessions, maxPerCaller: capacity.maxSessionsPerCaller },
    limits: { statementTimeoutMs: capacity.statementTimeoutMs, maxStatementTimeoutMs: capacity.maxStatementTimeoutMs },
    auth: {
      // Entries are read from the secret at start, so adding a key is a secret update and a restart.
      apiKeysSecret: inputs.apiKeyHashes,
      ...(security.jwt ? { jwt: security.jwt } : {}),
      ...(security.mtls
        ? { mtls: { identityFrom: security.mtls.identityFrom, identities: security.mtls.identities } }
        : {}),
    },
    roles: withReaderLogin(security.roles, inputs.informixReader),
    policy: security.policy,
    // stdout is the task's log stream, so audit records land in CloudWatch beside the proxy's own logs.
    audit: security.audit === "stdout" ? { enabled: true, destination: "stdout" } : { enabled: false },
    logging: { level: config.proxy.logLevel },
  });
}

type Roles = EnvironmentConfig["proxy"]["security"]["roles"];

/** Read-only grants on the Informix database (named, or through "*") get the reader's login. */
export function withReaderLogin(roles: Roles, reader: ProxyConfigInputs["informixReader"]): Record<string, unknown> {
  if (!reader) return roles;
  const login = { userSecret: reader.user, password: reader.password };
  return Object.fromEntries(
    Object.entries(roles).map(([name, role]) => {
      const grant = role.databases[PROXY_DATABASE_NAME] ?? role.databases["*"];
      if (!grant?.allow.every((c) => c === "read")) return [name, role];
      return [name, { databases: { ...role.databases, [PROXY_DATABASE_NAME]: { ...grant, login } } }];
    }),
  );
}
