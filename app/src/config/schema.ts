// The single source of truth for every configuration option. check-config, print-config, the JSON
// Schema (config.schema.json) and the README's configuration reference all derive from this file.
import { z } from "zod";
import { CompatConfig } from "./compat-schema.js";

import { ConnectionsConfig, OverloadConfig, RateLimitsConfig } from "./limits-schema.js";
import { SecretRef } from "./schema-secret.js";
import { AuditConfig, AuthConfig, PolicyConfig, RoleConfig, TlsConfig } from "./security-schema.js";
import { TracingConfig } from "./tracing-schema.js";

export { SecretRef };

export const PoolConfig = z
  .strictObject({
    max: z.number().int().min(1).max(1000).default(10).describe("Maximum connections"),
    minIdle: z.number().int().min(0).default(0).describe("Connections kept open when idle"),
    acquireTimeoutMs: z
      .number()
      .int()
      .min(1)
      .default(5000)
      .describe("Wait for a free connection before RESOURCE_EXHAUSTED"),
    idleTimeoutMs: z
      .number()
      .int()
      .min(1000)
      .default(600_000)
      .describe("Idle connections above minIdle are closed after this"),
    maxLifetimeMs: z.number().int().min(10_000).default(1_800_000).describe("Connections are retired after this age"),
    validationTimeoutMs: z.number().int().min(100).default(3000).describe("Bound for the validation query"),
    validateOnBorrow: z
      .boolean()
      .default(true)
      .describe("Validate a connection idle for more than 5 s before lending it"),
    leakDetectionThresholdMs: z
      .number()
      .int()
      .min(0)
      .default(60_000)
      .describe("Log and count a lease held longer than this; 0 disables"),
    leakReclaimAfterMs: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Take back a lease held longer than this: its connection is closed under the holder, whose statement fails as UNAVAILABLE. Counts session leases too; 0 disables",
      ),
    cancelGraceMs: z
      .number()
      .int()
      .min(50)
      .default(500)
      .describe(
        "A cancelled statement whose cancel the database has not taken after this long (frozen or unreachable server) is abandoned: its connection is closed and the call returns DEADLINE_EXCEEDED. A cancel the database took gets four times as long",
      ),
  })
  .refine((p) => p.minIdle <= p.max, { message: "minIdle must not exceed max", path: ["minIdle"] })
  .describe("Connection pool of this database");
export type PoolConfig = z.infer<typeof PoolConfig>;

export const CircuitBreakerConfig = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Fail fast with UNAVAILABLE while this database looks unreachable"),
    consecutiveFailures: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe("Opens after this many connection failures in a row (refused, lost, acquire or cancel timeouts)"),
    failureRatio: z
      .number()
      .gt(0)
      .lt(1)
      .default(0.5)
      .describe("Also opens when more than this share of calls in the window failed that way"),
    windowMs: z.number().int().min(1000).default(10_000).describe("Window of the failure ratio"),
    minimumRps: z
      .number()
      .min(0.1)
      .default(2)
      .describe("The failure ratio applies only above this many calls per second in the window"),
    halfOpenAfterMs: z
      .number()
      .int()
      .min(100)
      .default(2000)
      .describe("While open, wait this long before one probe may try the database again"),
  })
  .describe("Circuit breaker of this database");
export type CircuitBreakerConfig = z.infer<typeof CircuitBreakerConfig>;

export function circuitBreakerOf(database: {
  circuitBreaker?: CircuitBreakerConfig | undefined;
}): CircuitBreakerConfig {
  return database.circuitBreaker ?? CircuitBreakerConfig.parse({});
}

const common = {
  default: z.boolean().default(false).describe("Used when a request names no database"),
  pool: PoolConfig.default(PoolConfig.parse({})).describe("Connection pool of this database"),
  // Optional rather than defaulted so that configurations built in code need not spell it out; the
  // defaults above apply when it is absent (circuitBreakerOf).
  circuitBreaker: CircuitBreakerConfig.optional().describe(
    "Circuit breaker of this database; absent = enabled with the defaults of its keys",
  ),
};

/** Credentials come from references; a literal user name is fine, a literal password never is. */
const credentials = {
  user: z.string().min(1).optional().describe("Literal user name (or take it from userSecret)"),
  userSecret: SecretRef.optional().describe("User name from a secret reference (instead of user)"),
  password: SecretRef.optional().describe("Password from a secret reference; never a literal"),
  credentials: SecretRef.optional().describe(
    'User and password from one RDS-style JSON secret ({"username", "password", ...}), e.g. { awsSecret: ARN }; instead of user/userSecret/password',
  ),
};

function oneUserSource(db: { user?: string | undefined; userSecret?: unknown }): boolean {
  return db.user === undefined || db.userSecret === undefined;
}
const oneUserSourceMessage = { message: "set user or userSecret, not both", path: ["userSecret"] };

/** `credentials` supplies both user and password from one secret, so it excludes the separate keys. */
function oneCredentialSource(
  db: { user?: unknown; userSecret?: unknown; password?: unknown; credentials?: SecretRef | undefined },
  ctx: z.RefinementCtx,
): void {
  if (db.credentials === undefined) return;
  if (db.user !== undefined || db.userSecret !== undefined || db.password !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["credentials"],
      message: "credentials supplies user and password: remove user, userSecret and password",
    });
  }
  if ("key" in db.credentials && db.credentials.key !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["credentials", "key"],
      message: "credentials reads username and password from the whole JSON secret: remove key",
    });
  }
}

/** Connection-string keywords that carry credentials: they belong in user/password references. */
const credentialKeywords = new Set(["uid", "pwd", "password", "user", "username", "authentication"]);

export const SqliteDatabase = z.strictObject({
  driver: z.literal("sqlite").describe("Embedded SQLite (node:sqlite)"),
  path: z
    .string()
    .min(1)
    .describe(
      "Database file (relative to the working directory); created with the demo schema when missing and demo is true",
    ),
  demo: z.boolean().default(false).describe("Create and fill the demo schema on first run"),
  readOnly: z.boolean().default(false).describe("Open the file read-only; writes fail with PERMISSION_DENIED"),
  maxAbandonedStatements: z
    .number()
    .int()
    .min(0)
    .default(4)
    .describe(
      "Statements given up on at their deadline that still run inside SQLite (node:sqlite cannot interrupt a step); beyond this, new connections fail with RESOURCE_EXHAUSTED until they finish",
    ),
  ...common,
});

export const PostgresDatabase = z
  .strictObject({
    driver: z.literal("postgres").describe("PostgreSQL (node-postgres)"),
    host: z.string().min(1).describe("Server host name or address"),
    port: z.number().int().min(1).max(65535).default(5432).describe("Server port"),
    database: z.string().min(1).describe("Database name"),
    ...credentials,
    ssl: z
      .enum(["disable", "require", "verify-full"])
      .default("disable")
      .describe("disable, require (encrypt, no certificate check) or verify-full (check certificate and host name)"),
    applicationName: z.string().default("informix-grpc-proxy").describe("application_name shown in pg_stat_activity"),
    ...common,
  })
  .refine(oneUserSource, oneUserSourceMessage)
  .superRefine(oneCredentialSource);

export const InformixDatabase = z
  .strictObject({
    driver: z.literal("informix").describe("IBM Informix over DRDA (ibm_db)"),
    host: z.string().min(1).describe("Server host name or address"),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .default(9089)
      .describe("DRDA listener port (drsoctcp). Not the SQLI port 9088 the old JDBC proxy used"),
    database: z.string().min(1).describe("Database name"),
    server: z.string().min(1).optional().describe("INFORMIXSERVER name of the DRDA listener"),
    protocol: z.enum(["TCPIP", "SSL"]).default("TCPIP").describe("TCPIP, or SSL for an encrypted DRDA listener"),
    delimident: z
      .boolean()
      .default(false)
      .describe(
        "The server's DELIMIDENT setting: true when \"...\" are delimited identifiers, false (Informix's default) when they are strings. The statement policy reads double quotes both ways and refuses statements whose class depends on it; this setting decides fingerprints",
      ),
    ...credentials,
    /** Extra CLI keywords appended to the connection string (e.g. CurrentSchema, ConnectTimeout). */
    options: z
      .record(z.string(), z.string())
      .default({})
      .describe("Extra CLI connection-string keywords (e.g. CurrentSchema, ConnectTimeout); no credentials"),
    ...common,
  })
  .refine(oneUserSource, oneUserSourceMessage)
  .superRefine(oneCredentialSource)
  .superRefine((db, ctx) => {
    for (const keyword of Object.keys(db.options)) {
      if (credentialKeywords.has(keyword.toLowerCase())) {
        ctx.addIssue({
          code: "custom",
          path: ["options", keyword],
          message: "credentials do not belong in options; use user/userSecret and password references",
        });
      }
    }
  });

export const DatabaseConfig = z.discriminatedUnion("driver", [SqliteDatabase, PostgresDatabase, InformixDatabase]);
export type DatabaseConfig = z.infer<typeof DatabaseConfig>;
export type SqliteDatabaseConfig = z.infer<typeof SqliteDatabase>;
export type PostgresDatabaseConfig = z.infer<typeof PostgresDatabase>;
export type InformixDatabaseConfig = z.infer<typeof InformixDatabase>;

export const KeepaliveConfig = z
  .strictObject({
    timeMs: z
      .number()
      .int()
      .min(1000)
      .default(60_000)
      .describe("Ping idle connections this often: keeps them alive through load balancers (AWS NLB: 350 s idle)"),
    timeoutMs: z.number().int().min(1000).default(20_000).describe("Close a connection whose ping is not answered"),
    maxConnectionAgeMs: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe(
        "Ask clients to reconnect after this age (GOAWAY), so connections rebalance after scale-out; 0 = never",
      ),
    maxConnectionAgeGraceMs: z
      .number()
      .int()
      .min(0)
      .default(30_000)
      .describe("After that, calls still running on the old connection get this long to finish"),
  })
  .describe("HTTP/2 keepalive and connection age");

export const ServerConfig = z.strictObject({
  host: z.string().default("127.0.0.1").describe("Bind address of the gRPC and HTTP ports"),
  grpcPort: z.number().int().min(0).max(65535).default(50051).describe("gRPC port; 0 picks a free port"),
  httpPort: z.number().int().min(0).max(65535).default(9090).describe("HTTP side port: /metrics, /healthz, /readyz"),
  insecure: z
    .boolean()
    .default(false)
    .describe("Allow a non-loopback bind without TLS and authentication. Say it in so many words"),
  drainTimeoutMs: z.number().int().min(0).default(30_000).describe("On SIGTERM, wait this long for in-flight calls"),
  maxReceiveMessageBytes: z
    .number()
    .int()
    .min(1024)
    .default(4 * 1024 * 1024)
    .describe("Largest request message accepted"),
  maxSendMessageBytes: z
    .number()
    .int()
    .min(1024)
    .default(16 * 1024 * 1024)
    .describe("Largest response message sent; bigger results fail with RESOURCE_EXHAUSTED"),
  readinessTimeoutMs: z.number().int().min(100).default(2000).describe("Bound for each database's readiness check"),
  readinessIntervalMs: z
    .number()
    .int()
    .min(100)
    .default(1000)
    .describe("How often each database's readiness is checked (/readyz and gRPC health share the result)"),
  keepalive: KeepaliveConfig.default(KeepaliveConfig.parse({})),
  tls: TlsConfig.optional(),
  connections: ConnectionsConfig.default(ConnectionsConfig.parse({})),
});

export const LimitsConfig = z
  .strictObject({
    statementTimeoutMs: z.number().int().min(0).default(30_000).describe("Default statement timeout; 0 = none"),
    maxStatementTimeoutMs: z.number().int().min(0).default(600_000).describe("Upper bound for a client's timeout_ms"),
    maxRows: z.number().int().min(1).default(10_000).describe("Execute returns at most this many rows"),
    defaultFetchSize: z.number().int().min(1).default(500).describe("ExecuteStream rows per message by default"),
    maxFetchSize: z.number().int().min(1).default(10_000).describe("Upper bound for a client's fetch_size"),
    maxBatchItems: z.number().int().min(1).default(10_000).describe("Statements or parameter sets in one ExecuteBatch"),
    maxParams: z.number().int().min(0).default(10_000).describe("Parameters in one statement"),
    maxSqlBytes: z
      .number()
      .int()
      .min(1024)
      .default(1_048_576)
      .describe(
        "Longest SQL text of one statement, in UTF-8 bytes; a longer one is INVALID_ARGUMENT before it is parsed " +
          "(parsing is synchronous: a multi-megabyte text would hold the event loop)",
      ),
  })
  .refine((l) => l.statementTimeoutMs <= l.maxStatementTimeoutMs || l.maxStatementTimeoutMs === 0, {
    message: "statementTimeoutMs must not exceed maxStatementTimeoutMs",
    path: ["statementTimeoutMs"],
  })
  .refine((l) => l.defaultFetchSize <= l.maxFetchSize, {
    message: "defaultFetchSize must not exceed maxFetchSize",
    path: ["defaultFetchSize"],
  });

export const SessionsConfig = z.strictObject({
  idleTimeoutMs: z.number().int().min(1000).default(300_000).describe("Idle sessions are closed and rolled back"),
  maxTotal: z.number().int().min(0).default(200).describe("Open sessions across all callers"),
  maxPerCaller: z.number().int().min(0).default(20).describe("Open sessions per caller identity"),
  maxPreparedPerSession: z.number().int().min(1).default(100).describe("Prepared statements open in one session"),
});

export const LoggingConfig = z.strictObject({
  level: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default("info")
    .describe("Log level (pino); logs are JSON on stdout"),
});

export const ProxyConfig = z
  .strictObject({
    server: ServerConfig.default(ServerConfig.parse({})).describe("Listening ports and transport limits"),
    databases: z
      .record(
        z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,62}$/, "database names are letters, digits, _ and -"),
        DatabaseConfig,
      )
      .describe("Configured databases by name"),
    limits: LimitsConfig.default(LimitsConfig.parse({})).describe("Statement and result limits"),
    sessions: SessionsConfig.default(SessionsConfig.parse({})).describe("Session limits"),
    logging: LoggingConfig.default(LoggingConfig.parse({})).describe("Logging"),
    tracing: TracingConfig.default(TracingConfig.parse({})).describe(
      "OpenTelemetry traces over OTLP; the standard OTEL_* environment variables win over these keys",
    ),
    auth: AuthConfig.optional().describe("Authentication; absent = callers are identified by their address only"),
    roles: z
      .record(z.string().min(1), RoleConfig)
      .default({})
      .describe("Authorization: what each role may run, per database. Used when auth is configured"),
    policy: PolicyConfig.default(PolicyConfig.parse({})).describe("Statement policy applied to every caller"),
    audit: AuditConfig.default(AuditConfig.parse({})).describe("Audit trail of executed statements"),
    rateLimits: RateLimitsConfig.default(RateLimitsConfig.parse({})),
    overload: OverloadConfig.default(OverloadConfig.parse({})),
    compat: CompatConfig.default(CompatConfig.parse({})).describe("The earlier proxy's API (informix.InformixService)"),
  })
  .superRefine((cfg, ctx) => {
    const names = Object.keys(cfg.databases);
    if (names.length === 0) {
      ctx.addIssue({ code: "custom", path: ["databases"], message: "at least one database is required" });
    }
    if (cfg.auth?.mtls && !cfg.server.tls?.clientCa) {
      ctx.addIssue({
        code: "custom",
        path: ["auth", "mtls"],
        message: "mTLS authentication needs server.tls.clientCa",
      });
    }
    if (cfg.auth) {
      const known = new Set(Object.keys(cfg.roles));
      const granted = [
        ...cfg.auth.apiKeys.flatMap((k) => k.roles),
        ...Object.values(cfg.auth.mtls?.identities ?? {}).flat(),
      ];
      for (const role of new Set(granted)) {
        if (!known.has(role)) {
          ctx.addIssue({
            code: "custom",
            path: ["roles"],
            message: `role "${role}" is granted but not defined under roles`,
          });
        }
      }
    }
    for (const [legacyName, target] of Object.entries(cfg.compat.databases)) {
      if (!(target in cfg.databases)) {
        ctx.addIssue({
          code: "custom",
          path: ["compat", "databases", legacyName],
          message: `"${target}" is not a configured database`,
        });
      }
    }
    for (const [role, roleConfig] of Object.entries(cfg.roles)) {
      for (const [db, grant] of Object.entries(roleConfig.databases)) {
        if (db !== "*" && !(db in cfg.databases)) {
          ctx.addIssue({
            code: "custom",
            path: ["roles", role, "databases", db],
            message: `database "${db}" is not configured`,
          });
        }
        if (grant.login && (db === "*" || cfg.databases[db]?.driver === "sqlite")) {
          ctx.addIssue({
            code: "custom",
            path: ["roles", role, "databases", db, "login"],
            message:
              db === "*"
                ? 'a login belongs to one database: name the database instead of "*"'
                : "SQLite has no database users: a login applies to PostgreSQL and Informix databases",
          });
        }
      }
    }
    const defaults = names.filter((n) => cfg.databases[n]?.default);
    if (defaults.length > 1) {
      ctx.addIssue({
        code: "custom",
        path: ["databases"],
        message: `only one database may be default, found: ${defaults.join(", ")}`,
      });
    }
  });
export type ProxyConfig = z.infer<typeof ProxyConfig>;
export type ServerConfig = z.infer<typeof ServerConfig>;
export type LimitsConfig = z.infer<typeof LimitsConfig>;
export type SessionsConfig = z.infer<typeof SessionsConfig>;
export { AuditConfig, AuthConfig, PolicyConfig, RoleConfig, TlsConfig };
