// Starts and stops the whole proxy from a validated configuration: databases and pools, sessions, the gRPC
// server, the HTTP side port, health. Used by `serve` and by the end-to-end tests.
import type { DatabaseConfig, ProxyConfig } from "./config/schema.js";
import { credentialSourceFor } from "./config/secrets.js";
import { DatabaseRegistry } from "./db/database-registry.js";
import type { CredentialSource, Driver } from "./db/driver.js";
import { createDriver } from "./db/drivers/index.js";
import { ConnectionPool } from "./db/pool.js";
import type { Logger } from "./observability/logger.js";
import { Metrics } from "./observability/metrics.js";
import { createAuditSink } from "./security/audit/create-audit-sink.js";
import type { AuditSink } from "./security/audit-sink.js";
import { createStatementGuard } from "./security/policy-guard.js";
import type { StatementGuard } from "./security/statement-guard.js";
import { withApiKeysFromSecret } from "./server/auth/api-keys-secret.js";
import type { Authenticator } from "./server/auth/authenticator.js";
import { createAuthenticators } from "./server/auth/create-authenticators.js";
import { createMtlsAuthenticator } from "./server/auth/mtls-authenticator.js";
import { bindGrpc, createGrpcServer, SQL_SERVICE_NAME } from "./server/grpc-server.js";
import { createHttpServer, listenHttp } from "./server/http-server.js";
import { createAuthenticationInterceptor } from "./server/interceptors/authentication.js";
import type { IdentityResolver } from "./server/interceptors/identity.js";
import { startReadinessLoop } from "./server/readiness.js";
import { createServerTls } from "./server/tls/server-tls.js";
import { SessionRegistry } from "./sessions/registry.js";

export interface ProxyOptions {
  config: ProxyConfig;
  logger: Logger;
  env?: Record<string, string | undefined>;
  identity?: IdentityResolver;
  /** The mTLS authenticator (auth.mtls), joined to the methods built from config.auth. */
  mtlsAuthenticator?: Authenticator;
  healthIntervalMs?: number;
  guard?: StatementGuard;
  audit?: AuditSink;
}

export interface RunningProxy {
  grpcPort: number;
  httpPort: number;
  metrics: Metrics;
  sessions: SessionRegistry;
  databases: DatabaseRegistry;
  /** Graceful stop: refuse new calls, drain in-flight ones up to drainTimeoutMs, roll back sessions, close pools. */
  stop(): Promise<void>;
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const { config, logger } = options;
  const env = options.env ?? process.env;
  // Before anything opens: API keys kept in a secret are part of the configuration.
  const auth = config.auth ? await withApiKeysFromSecret(config.auth, Object.keys(config.roles), env) : undefined;
  const metrics = new Metrics();
  // Built first: an unreadable enforce-mode allow-list stops the start before any port opens.
  const ownGuard = options.guard ? undefined : createStatementGuard({ config, logger, metrics });
  const guard = options.guard ?? (ownGuard as StatementGuard);
  // TLS first: unreadable certificates stop the start before any database connection is opened.
  const tls = config.server.tls
    ? await createServerTls(config.server.tls, { logger: logger.child({ component: "tls" }), env })
    : undefined;
  const closeEarly = async () => {
    tls?.close();
    await ownGuard?.close().catch(() => undefined);
  };
  const databases = await DatabaseRegistry.create(config.databases, {
    logger,
    credentialsFor: (_name: string, db: DatabaseConfig): CredentialSource => credentialSourceFor(db, env),
    createDriver: (name, db, deps): Promise<Driver> => createDriver(name, db, deps),
    createPool: (name, db, driver, observer) =>
      new ConnectionPool({
        database: name,
        config: db.pool,
        connect: () => driver.connect(),
        logger: logger.child({ database: name }),
        ...(observer ? { observer } : {}),
      }),
    observerFor: (name) => metrics.poolObserver(name),
  }).catch(async (error: unknown) => {
    await closeEarly();
    throw error;
  });
  for (const db of databases.all()) metrics.trackPool(db.name, () => db.pool.stats());
  // An audit sink passed in belongs to the caller; one built from the configuration is closed on stop.
  let ownAudit: AuditSink | undefined;
  try {
    ownAudit = options.audit ? undefined : createAuditSink(config.audit, { logger, registry: metrics.registry });
  } catch (error) {
    await databases.close(0);
    await closeEarly();
    throw error;
  }
  const audit = options.audit ?? (ownAudit as AuditSink);

  const sessions = new SessionRegistry({
    config: config.sessions,
    logger: logger.child({ component: "sessions" }),
    onExpired: () => metrics.sessionsExpired.inc(),
  });
  metrics.trackSessions(() => sessions.size);

  const { server, health } = createGrpcServer({
    deps: {
      databases,
      sessions,
      limits: config.limits,
      idleTimeoutMs: config.sessions.idleTimeoutMs,
      maxPreparedPerSession: config.sessions.maxPreparedPerSession,
      metrics,
      logger,
      guard,
      audit,
    },
    logger: logger.child({ component: "grpc" }),
    metrics,
    maxReceiveMessageBytes: config.server.maxReceiveMessageBytes,
    maxSendMessageBytes: config.server.maxSendMessageBytes,
    ...(options.identity ? { identity: options.identity } : {}),
    ...(auth
      ? {
          authentication: createAuthenticationInterceptor(
            createAuthenticators(auth, {
              mtls: options.mtlsAuthenticator ?? createMtlsAuthenticator(auth.mtls),
            }),
            logger.child({ component: "auth" }),
          ),
          anonymousReflection: auth.anonymousReflection === true,
        }
      : {}),
  });

  let draining = false;
  const stopHealthLoop = startReadinessLoop(
    databases,
    config.server.readinessTimeoutMs,
    options.healthIntervalMs ?? 5000,
    (ok) => {
      const state = ok && !draining ? "SERVING" : "NOT_SERVING";
      health.setStatus("", state);
      health.setStatus(SQL_SERVICE_NAME, state);
    },
  );

  const http = createHttpServer({
    metrics,
    databases,
    readinessTimeoutMs: config.server.readinessTimeoutMs,
    isDraining: () => draining,
  });

  let grpcPort: number;
  let httpPort: number;
  try {
    grpcPort = await bindGrpc(server, config.server.host, config.server.grpcPort, tls?.credentials);
    httpPort = await listenHttp(http, config.server.host, config.server.httpPort);
  } catch (error) {
    stopHealthLoop();
    tls?.close();
    server.forceShutdown();
    http.close();
    await databases.close(0);
    await ownAudit?.close();
    await ownGuard?.close().catch(() => undefined);
    throw error;
  }
  logger.info(
    {
      host: config.server.host,
      grpcPort,
      httpPort,
      tls: tls !== undefined,
      databases: databases.all().map((d) => `${d.name}(${d.driver})`),
    },
    "proxy listening",
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      draining = true;
      health.setStatus("", "NOT_SERVING");
      health.setStatus(SQL_SERVICE_NAME, "NOT_SERVING");
      stopHealthLoop();
      tls?.close();
      const drainTimeoutMs = config.server.drainTimeoutMs;
      logger.info({ drainTimeoutMs }, "draining");
      // tryShutdown stops accepting calls and waits for in-flight ones; forceShutdown ends what is left.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          logger.warn("drain timeout reached; cancelling remaining calls");
          server.forceShutdown();
          resolve();
        }, drainTimeoutMs);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      await sessions.closeAll();
      await ownAudit?.close();
      await databases.close(Math.min(5000, drainTimeoutMs));
      await ownGuard?.close().catch((error: unknown) => logger.error({ err: error }, "allow-list flush failed"));
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      logger.info("stopped");
    })();
    return stopping;
  };

  return { grpcPort, httpPort, metrics, sessions, databases, stop };
}
