// What the deployed proxy needs for authentication and authorization, per environment: roles (grants per
// database as in the proxy's own schema), optional JWT and mTLS settings, the statement policy and audit.
// API keys are always enabled; their entries live in the API-key secret, not here.
import { z } from "zod";

/** The database name the deployments give Informix in the proxy's configuration (roles grant per database). */
export const PROXY_DATABASE_NAME = "informix";

const SECURITY_PATH = ["proxy", "security"] as const;

export const StatementClass = z.enum(["read", "write", "ddl", "procedure", "admin"]);

/** What a role may run on one database (the proxy's roles.<role>.databases.<db>). */
export const RoleGrant = z.strictObject({
  allow: z.array(StatementClass).min(1),
  /** Open sessions per identity on this database. */
  maxSessions: z.number().int().min(0).optional(),
});

/** Roles by name; each grants per database ("informix", or "*" for every database). */
export const Roles = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_.:-]{0,62}$/, "role names are letters, digits and _ . : -"),
  z.strictObject({ databases: z.record(z.string().min(1), RoleGrant) }),
);

/** The default: one role for the application, reading, writing and calling procedures, no DDL. */
export const DEFAULT_ROLES: z.input<typeof Roles> = {
  app: { databases: { [PROXY_DATABASE_NAME]: { allow: ["read", "write", "procedure"] } } },
};

export const JwtSettings = z.strictObject({
  /** The identity provider's JWKS; the tasks fetch it over HTTPS (the proxy security group allows 443 out). */
  jwksUrl: z.url({ protocol: /^https$/, error: "the JWKS URL must be https" }),
  issuer: z.string().min(1),
  audience: z.string().min(1),
  /** Claim holding the roles (dotted path allowed, e.g. realm_access.roles). */
  rolesClaim: z.string().min(1).default("roles"),
  algorithms: z
    .array(z.enum(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]))
    .min(1)
    .optional(),
});

export const MtlsSettings = z.strictObject({
  /** Which part of the client certificate names the caller (SPIFFE ids are SAN URIs). */
  identityFrom: z.enum(["san_uri", "subject_cn"]).default("san_uri"),
  /** Roles per certificate identity; identities not listed are refused. */
  identities: z.record(z.string().min(1), z.array(z.string().min(1))).default({}),
  /** false: API-key and JWT callers need no certificate (the CA comes from the TLS secret's clientCa key). */
  requireClientCert: z.boolean().default(false),
});

export const ProxySecurity = z.strictObject({
  /** Roles the callers get; API keys (from the API-key secret), JWT claims and mTLS identities name them. */
  roles: Roles.default(DEFAULT_ROLES),
  /** Bearer JWTs from an identity provider, besides the API keys that are always enabled. */
  jwt: JwtSettings.optional(),
  /** Client certificates as identities (needs proxy.tls and a clientCa in the TLS secret). */
  mtls: MtlsSettings.optional(),
  /** The proxy's statement policy (DDL, several statements per request, session statements in SQL text). */
  policy: z
    .strictObject({
      allowDdl: z.boolean().default(false),
      allowMultipleStatements: z.boolean().default(false),
      allowSessionStatements: z.boolean().default(false),
    })
    .default({ allowDdl: false, allowMultipleStatements: false, allowSessionStatements: false }),
  /** Audit records to stdout, so they land in the task's CloudWatch log group; or off. */
  audit: z.enum(["stdout", "off"]).default("stdout"),
});

export type ProxySecurity = z.infer<typeof ProxySecurity>;

/** Every granted role is defined, every grant names the deployed database, and some role exists. */
export function checkRoles(security: ProxySecurity, ctx: z.RefinementCtx): void {
  const defined = new Set(Object.keys(security.roles));
  if (defined.size === 0) {
    ctx.addIssue({
      code: "custom",
      path: [...SECURITY_PATH, "roles"],
      message: "define at least one role: callers without a role may run nothing",
    });
  }
  for (const [role, { databases }] of Object.entries(security.roles)) {
    for (const db of Object.keys(databases)) {
      if (db !== PROXY_DATABASE_NAME && db !== "*") {
        ctx.addIssue({
          code: "custom",
          path: [...SECURITY_PATH, "roles", role, "databases", db],
          message: `the deployed proxy has one database, "${PROXY_DATABASE_NAME}" (or grant "*")`,
        });
      }
    }
  }
  for (const [identity, roles] of Object.entries(security.mtls?.identities ?? {})) {
    for (const role of roles) {
      if (!defined.has(role)) {
        ctx.addIssue({
          code: "custom",
          path: [...SECURITY_PATH, "mtls", "identities", identity],
          message: `role "${role}" is not defined under proxy.security.roles`,
        });
      }
    }
  }
}
