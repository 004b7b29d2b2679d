// check-config's explanation: what the configuration sets up, in plain lines, and what looks wrong.

import { isLoopbackHost } from "./bind-safety.js";
import { loginWarnings } from "./login-warnings.js";
import type { DatabaseConfig, ProxyConfig } from "./schema.js";
import { describeSecretRef } from "./schema-secret.js";

/** The database a request without a name goes to: the one marked default, else the only one. */
export function defaultDatabaseName(config: ProxyConfig): string | undefined {
  const names = Object.keys(config.databases);
  return names.find((name) => config.databases[name]?.default) ?? (names.length === 1 ? names[0] : undefined);
}

function describeDatabase(name: string, db: DatabaseConfig): string {
  const pool = `pool ${db.pool.minIdle}..${db.pool.max} connections`;
  switch (db.driver) {
    case "sqlite":
      return `database ${name}: sqlite ${db.path}${db.readOnly ? " (read-only)" : ""}${db.demo ? " (demo data)" : ""}, ${pool}`;
    case "postgres":
      return `database ${name}: postgres ${db.host}:${db.port}/${db.database}, ssl ${db.ssl}, ${credentials(db)}, ${pool}`;
    case "informix":
      return (
        `database ${name}: informix ${db.host}:${db.port}/${db.database}` +
        `${db.server ? ` server ${db.server}` : ""}, protocol ${db.protocol}, ${credentials(db)}, ${pool}`
      );
  }
}

function credentials(db: Exclude<DatabaseConfig, { driver: "sqlite" }>): string {
  if (db.credentials) return `user and password from ${describeSecretRef(db.credentials)}`;
  const user = db.user ?? (db.userSecret ? `user from ${describeSecretRef(db.userSecret)}` : undefined);
  const password = db.password ? `password from ${describeSecretRef(db.password)}` : "no password";
  return `${user ? (db.user ? `user ${user}` : user) : "driver's default user"}, ${password}`;
}

function warningsFor(name: string, db: DatabaseConfig): string[] {
  const warnings: string[] = [];
  if (db.driver === "informix" && db.port === 9088) {
    warnings.push(
      `database ${name}: port 9088 is usually the SQLI listener (onsoctcp); ibm_db speaks DRDA and needs a ` +
        "drsoctcp listener (9089 in the developer image)",
    );
  }
  if (db.driver === "postgres" && db.ssl === "disable" && !isLoopbackHost(db.host)) {
    warnings.push(`database ${name}: ssl is disable for the remote host ${db.host}; credentials travel in clear`);
  }
  if (
    db.driver !== "sqlite" &&
    db.credentials === undefined &&
    db.password === undefined &&
    (db.user !== undefined || db.userSecret !== undefined)
  ) {
    warnings.push(`database ${name}: a user without a password reference; only trust/peer authentication will work`);
  }
  return warnings;
}

export function explainConfig(config: ProxyConfig): string[] {
  const { server, limits, sessions } = config;
  const lines: string[] = [];
  const warnings: string[] = [];

  lines.push(`gRPC on ${server.host}:${server.grpcPort}, HTTP (metrics, health) on ${server.host}:${server.httpPort}`);
  const auth = config.auth;
  const methods = [
    ...(auth && auth.apiKeys.length > 0 ? [`${auth.apiKeys.length} API key(s)`] : []),
    ...(auth?.apiKeysSecret ? [`API keys from ${describeSecretRef(auth.apiKeysSecret)}`] : []),
    ...(auth?.jwt ? [`JWT from ${auth.jwt.issuer}`] : []),
    ...(auth?.mtls ? [`client certificates (${auth.mtls.identityFrom})`] : []),
  ];
  lines.push(
    server.tls
      ? `TLS ${server.tls.minVersion}+${server.tls.clientCa ? `, client certificates ${server.tls.requireClientCert ? "required" : "optional"}` : ""}`
      : "TLS: off (plaintext gRPC)",
  );
  lines.push(
    methods.length > 0
      ? `authentication: ${methods.join(", ")}`
      : "authentication: none (callers identified by address)",
  );
  lines.push(
    `policy: DDL ${config.policy.allowDdl ? "allowed" : "refused"}, multiple statements ${config.policy.allowMultipleStatements ? "allowed" : "refused"}, ` +
      `session statements ${config.policy.allowSessionStatements ? "allowed" : "refused"}, allow-list ${config.policy.allowlist.mode}`,
  );
  lines.push(
    `audit: ${config.audit.enabled ? `on (${typeof config.audit.destination === "string" ? config.audit.destination : config.audit.destination.file})` : "off"}`,
  );
  if (!isLoopbackHost(server.host) && (!server.tls || methods.length === 0)) {
    warnings.push(
      `server.host ${server.host} is reachable from other machines without TLS and authentication (insecure: true)`,
    );
  }

  for (const [name, db] of Object.entries(config.databases)) {
    lines.push(describeDatabase(name, db));
    warnings.push(...warningsFor(name, db));
  }
  if (config.auth) warnings.push(...loginWarnings(config));

  const defaultName = defaultDatabaseName(config);
  if (defaultName) lines.push(`default database: ${defaultName}`);
  else {
    lines.push("default database: none");
    warnings.push("no database is marked default: every request must name its database");
  }

  lines.push(
    `limits: statement timeout ${limits.statementTimeoutMs} ms (max ${limits.maxStatementTimeoutMs} ms), ` +
      `at most ${limits.maxRows} rows per Execute, fetch size ${limits.defaultFetchSize} (max ${limits.maxFetchSize})`,
  );
  lines.push(
    `sessions: at most ${sessions.maxTotal} open (${sessions.maxPerCaller} per caller), ` +
      `closed after ${sessions.idleTimeoutMs} ms idle`,
  );
  lines.push(`logging: ${config.logging.level}`);
  return [...lines, ...warnings.map((warning) => `warning: ${warning}`)];
}
