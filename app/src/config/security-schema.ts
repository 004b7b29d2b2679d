// Security configuration: TLS/mTLS, authentication, authorization by role, query policy and audit.
// Part of the one schema (ProxyConfig in schema.ts imports these sections).
import { z } from "zod";
import { DatabaseLogin } from "./schema-login.js";
import { SecretRef } from "./schema-secret.js";

/** PEM material: a file path (re-read when it changes, for rotation) or a secret reference. */
const PemSource = z
  .union([
    z.strictObject({ file: z.string().min(1).describe("PEM file; watched and reloaded when it changes") }),
    z.strictObject({ secret: SecretRef.describe("PEM text from a secret reference") }),
  ])
  .describe("PEM source: { file: PATH } or { secret: <secret reference> }");

export const TlsConfig = z
  .strictObject({
    cert: PemSource.describe("Server certificate chain (PEM)"),
    key: PemSource.describe("Server private key (PEM)"),
    clientCa: PemSource.optional().describe("CA bundle for client certificates; setting it enables mTLS"),
    requireClientCert: z
      .boolean()
      .default(true)
      .describe("With clientCa: refuse clients without a valid certificate (false = optional)"),
    minVersion: z.enum(["TLSv1.2", "TLSv1.3"]).default("TLSv1.2"),
    reloadCheckMs: z
      .number()
      .int()
      .min(100)
      .default(10_000)
      .describe("How often certificate files are checked for changes"),
  })
  .describe("TLS on the gRPC port; absent = plaintext (loopback only unless insecure)");
export type TlsConfig = z.infer<typeof TlsConfig>;

const RoleList = z.array(z.string().min(1)).default([]);

export const ApiKeyConfig = z.strictObject({
  name: z.string().min(1).describe("Identity name of the key holder (logs, audit, metrics)"),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "the lower-case hex SHA-256 of the key")
    .describe("SHA-256 of the key, hex; the key itself is never stored"),
  roles: RoleList,
});

export const JwtConfig = z.strictObject({
  jwksUrl: z.string().url().describe("JWKS endpoint of the identity provider"),
  issuer: z.string().min(1),
  audience: z.string().min(1),
  algorithms: z
    .array(z.enum(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]))
    .min(1)
    .default(["RS256", "ES256"])
    .describe("Allowed signature algorithms; asymmetric only (never none, never HS*)"),
  rolesClaim: z.string().min(1).default("roles").describe("Claim holding the roles (dotted path allowed)"),
  subjectClaim: z.string().min(1).default("sub").describe('Claim naming the caller; the identity is "jwt:<value>"'),
  clockToleranceSec: z
    .number()
    .int()
    .min(0)
    .max(300)
    .default(30)
    .describe("Clock skew allowed when checking exp and nbf (exp is required)"),
  maxLifetimeSec: z
    .number()
    .int()
    .min(60)
    .default(86_400)
    .describe(
      "Longest token lifetime accepted: exp - iat, or exp - now when the token has no iat. A stolen long-lived token is refused",
    ),
  jwksCacheMs: z
    .number()
    .int()
    .min(1000)
    .default(600_000)
    .describe("How long a fetched JWKS is used before refetching"),
  jwksCooldownMs: z
    .number()
    .int()
    .min(0)
    .default(30_000)
    .describe("A token with an unknown kid refetches the JWKS (key rotation), at most once per this interval"),
  jwksTimeoutMs: z.number().int().min(100).default(5000).describe("Timeout of one JWKS fetch"),
});

export const MtlsAuthConfig = z.strictObject({
  identityFrom: z
    .enum(["san_uri", "subject_cn"])
    .default("san_uri")
    .describe("Which part of the client certificate names the caller (SPIFFE ids are SAN URIs)"),
  identities: z
    .record(z.string(), RoleList)
    .default({})
    .describe("Roles per certificate identity; identities not listed are refused"),
});

export const AuthConfig = z
  .strictObject({
    apiKeys: z
      .array(ApiKeyConfig)
      .default([])
      .describe('API keys sent as "authorization: Bearer <key>"; issue them with the hash-api-key command'),
    apiKeysSecret: SecretRef.optional().describe(
      "More API key entries from a secret holding a JSON array of { name, sha256, roles } (e.g. AWS Secrets " +
        "Manager through ECS); read at start and merged with apiKeys",
    ),
    jwt: JwtConfig.optional(),
    mtls: MtlsAuthConfig.optional().describe(
      "Authenticate callers by their client certificate (needs server.tls.clientCa)",
    ),
    anonymousReflection: z
      .boolean()
      .optional()
      .describe(
        "true: serve gRPC server reflection without credentials (default false; health checks never need them)",
      ),
  })
  .describe("Authentication methods; any enabled method may authenticate a call");
export type AuthConfig = z.infer<typeof AuthConfig>;

export const StatementClass = z.enum(["read", "write", "ddl", "procedure", "admin"]);
export type StatementClass = z.infer<typeof StatementClass>;

export const RoleGrant = z.strictObject({
  allow: z.array(StatementClass).min(1).describe("Statement classes this role may run on the database"),
  maxSessions: z.number().int().min(0).optional().describe("Open sessions per identity on this database"),
  login: DatabaseLogin.optional(),
});

export const RoleConfig = z.strictObject({
  databases: z
    .record(z.string(), RoleGrant)
    .describe('Grants per configured database name; "*" applies to every database'),
});

export const PolicyConfig = z.strictObject({
  allowDdl: z.boolean().default(false).describe("Allow CREATE, ALTER, DROP, RENAME, TRUNCATE, GRANT, REVOKE..."),
  allowMultipleStatements: z.boolean().default(false).describe("Allow more than one statement per request"),
  allowSessionStatements: z
    .boolean()
    .default(false)
    .describe("Allow DATABASE, CONNECT, SET SESSION AUTHORIZATION and transaction control in SQL text"),
  allowlist: z
    .strictObject({
      mode: z.enum(["off", "record", "enforce"]).default("off"),
      file: z.string().min(1).optional().describe("Fingerprint file: written in record mode, read in enforce mode"),
    })
    .default({ mode: "off" })
    .refine((a) => a.mode === "off" || a.file !== undefined, {
      message: "record and enforce need a file",
      path: ["file"],
    }),
});
export type PolicyConfig = z.infer<typeof PolicyConfig>;

export const AuditConfig = z.strictObject({
  enabled: z.boolean().default(true).describe("One record per executed statement; parameters never included"),
  destination: z
    .union([z.literal("stdout"), z.literal("stderr"), z.strictObject({ file: z.string().min(1) })])
    .default("stderr")
    .describe('Where audit records go: "stdout", "stderr" or { file: PATH }'),
});
export type AuditConfig = z.infer<typeof AuditConfig>;

export type RoleGrant = z.infer<typeof RoleGrant>;
export type RoleConfig = z.infer<typeof RoleConfig>;
export type ApiKeyConfig = z.infer<typeof ApiKeyConfig>;
export type JwtConfig = z.infer<typeof JwtConfig>;
export type MtlsAuthConfig = z.infer<typeof MtlsAuthConfig>;
