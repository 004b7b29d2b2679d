// The single source of truth for every configuration option. check-config, print-config, the JSON
// Schema (config.schema.json) and the README's configuration reference all derive from this file.
import { z } from "zod";

/** A secret is always a reference, never a literal: environment variable or file (trailing newline trimmed). */
export const SecretRef = z
  .union([
    z.strictObject({ env: z.string().min(1).describe("Name of an environment variable holding the secret") }),
    z.strictObject({ file: z.string().min(1).describe("Path of a file holding the secret (Docker/Kubernetes secret)") }),
  ])
  .describe("Secret reference: { env: NAME } or { file: PATH }");
export type SecretRef = z.infer<typeof SecretRef>;

export const PoolConfig = z
  .strictObject({
    max: z.number().int().min(1).max(1000).default(10).describe("Maximum connections"),
    minIdle: z.number().int().min(0).default(0).describe("Connections kept open when idle"),
    acquireTimeoutMs: z.number().int().min(1).default(5000).describe("Wait for a free connection before RESOURCE_EXHAUSTED"),
    idleTimeoutMs: z.number().int().min(1000).default(600_000).describe("Idle connections above minIdle are closed after this"),
    maxLifetimeMs: z.number().int().min(10_000).default(1_800_000).describe("Connections are retired after this age"),
    validationTimeoutMs: z.number().int().min(100).default(3000).describe("Bound for the validation query"),
    validateOnBorrow: z.boolean().default(true).describe("Validate a connection idle for more than 5 s before lending it"),
    leakDetectionThresholdMs: z
      .number()
      .int()
      .min(0)
      .default(60_000)
      .describe("Log and count a lease held longer than this; 0 disables"),
  })
  .refine((p) => p.minIdle <= p.max, { message: "minIdle must not exceed max", path: ["minIdle"] });
export type PoolConfig = z.infer<typeof PoolConfig>;

const common = {
  default: z.boolean().default(false).describe("Used when a request names no database"),
  pool: PoolConfig.default(PoolConfig.parse({})),
};

export const SqliteDatabase = z.strictObject({
  driver: z.literal("sqlite"),
  path: z.string().min(1).describe("Database file; created with the demo schema when missing and demo is true"),
  demo: z.boolean().default(false).describe("Create and fill the demo schema on first run"),
  readOnly: z.boolean().default(false),
  ...common,
});

export const PostgresDatabase = z.strictObject({
  driver: z.literal("postgres"),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(5432),
  database: z.string().min(1),
  user: z.string().min(1).optional().describe("Literal user name, or take it from userSecret"),
  userSecret: SecretRef.optional(),
  password: SecretRef.optional(),
  ssl: z.enum(["disable", "require", "verify-full"]).default("disable"),
  applicationName: z.string().default("informix-grpc-proxy"),
  ...common,
});

export const InformixDatabase = z.strictObject({
  driver: z.literal("informix"),
  host: z.string().min(1),
  port: z
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(9089)
    .describe("DRDA listener port (drsoctcp). Not the SQLI port 9088 the old JDBC proxy used"),
  database: z.string().min(1),
  server: z.string().min(1).optional().describe("INFORMIXSERVER name of the DRDA listener"),
  protocol: z.enum(["TCPIP", "SSL"]).default("TCPIP"),
  user: z.string().min(1).optional(),
  userSecret: SecretRef.optional(),
  password: SecretRef.optional(),
  /** Extra CLI keywords appended to the connection string (e.g. CurrentSchema, ConnectTimeout). */
  options: z.record(z.string(), z.string()).default({}),
  ...common,
});

export const DatabaseConfig = z.discriminatedUnion("driver", [SqliteDatabase, PostgresDatabase, InformixDatabase]);
export type DatabaseConfig = z.infer<typeof DatabaseConfig>;
export type SqliteDatabaseConfig = z.infer<typeof SqliteDatabase>;
export type PostgresDatabaseConfig = z.infer<typeof PostgresDatabase>;
export type InformixDatabaseConfig = z.infer<typeof InformixDatabase>;
