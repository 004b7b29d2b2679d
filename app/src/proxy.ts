// Starts and stops the whole proxy from a validated configuration: databases and pools, sessions, the gRPC
// server, the HTTP side port, health. Used by `serve` and by the end-to-end tests.

import type { AuditSink } from "./audit/audit-sink.js";
import { createAuditSink } from "./audit/create-audit-sink.js";
import type { Authenticator } from "./auth/authenticator.js";
import { createAuthenticators } from "./auth/create-authenticators.js";
import { createMtlsAuthenticator } from "./auth/mtls-authenticator.js";
import { isLoopbackHost } from "./config/bind-safety.js";
import type { DatabaseConfig, ProxyConfig } from "./config/schema.js";
import { DatabaseRegistry } from "./db/database-registry.js";
import type { CredentialSource, Driver } from "./db/driver.js";
import { createDriver } from "./db/drivers/index.js";
import { ConnectionPool } from "./db/pool.js";
import type { Logger } from "./observability/logger.js";
import { Metrics } from "./observability/metrics.js";
import { createStatementGuard } from "./policy/policy-guard.js";
import type { StatementGuard } from "./policy/statement-guard.js";
import { CompatConnections } from "./rpc/compat/compat-connections.js";
import { withApiKeysFromSecret } from "./secrets/api-keys-secret.js";
import { credentialSourceFor } from "./secrets/resolve-secret.js";
import { SessionRegistry } from "./sessions/registry.js";
import { bindGrpc, createGrpcServer, SQL_SERVICE_NAME } from "./transport/grpc-server.js";
import { createHttpServer, listenHttp } from "./transport/http-server.js";
import { createAuthenticationInterceptor } from "./transport/interceptors/authentication.js";
import type { IdentityResolver } from "./transport/interceptors/identity.js";
import { startReadinessLoop } from "./transport/readiness.js";
import { createServerTls } from "./transport/tls/server-tls.js";

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
  // What start-up has opened so far, undone in reverse order if a later step fails.
  const undo: Array<() => unknown> = [];
  const unwind = async () => {
    for (const step of undo.reverse())
      await Promise.resolve()
        .then(step)
        .catch(() => undefined);
  };
  const started = async <T>(open: () => T | Promise<T>, close?: (opened: T) => unknown): Promise<T> => {
    try {
      const opened = await open();
      if (close) undo.push(() => close(opened));
      return opened;
    } catch (error) {
      await unwind();
      throw error;
    }
  };
  // Guard, audit and TLS first: an unreadable allow-list, audit file or certificate stops the start before any
  // database connection or port is opened.
  const ownGuard = options.guard
    ? undefined
    : await started(
        () => createStatementGuard({ config, logger, metrics }),
        (g) => g.close(),
      );
  const guard = options.guard ?? (ownGuard as StatementGuard);
  // An audit sink passed in belongs to the caller; one built from the configuration is closed on stop.
  const ownAudit = options.audit
    ? undefined
    : await started(
        () => createAuditSink(config.audit, { logger, registry: metrics.registry }),
        (a) => a.close(),
      );
  const audit = options.audit ?? (ownAudit as AuditSink);
  const tlsConfig = config.server.tls;
  const tls = tlsConfig
    ? await started(
        () => createServerTls(tlsConfig, { logger: logger.child({ component: "tls" }), env }),
        (t) => t.close(),
      )
    : undefined;
  const databases = await started(
    () =>
      DatabaseRegistry.create(config.databases, {
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
      }),
    (d) => d.close(0),
  );
  for (const db of databases.all()) metrics.trackPool(db.name, () => db.pool.stats());

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
    loopbackOnly: isLoopbackHost(config.server.host),
    ...(config.compat.enabled
      ? { compat: { connections: new CompatConnections(), passwordAsBearer: config.compat.passwordAsBearer } }
      : {}),
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

  undo.push(
    stopHealthLoop,
    () => server.forceShutdown(),
    () => http.close(),
  );
  const grpcPort = await started(() => bindGrpc(server, config.server.host, config.server.grpcPort, tls?.credentials));
  const httpPort = await started(() => listenHttp(http, config.server.host, config.server.httpPort));
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
