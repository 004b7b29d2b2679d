// Starts and stops the whole proxy from a validated configuration: databases and pools, sessions, the gRPC
// server, the HTTP side port, health. Used by `serve` and by the end-to-end tests.

import { ServerCredentials } from "@grpc/grpc-js";
import type { AuditSink } from "./audit/audit-sink.js";
import { createAuditSink } from "./audit/create-audit-sink.js";
import type { Authenticator } from "./auth/authenticator.js";
import { createAuthenticators } from "./auth/create-authenticators.js";
import { createMtlsAuthenticator } from "./auth/mtls-authenticator.js";
import { isLoopbackHost } from "./config/bind-safety.js";
import type { DatabaseConfig, ProxyConfig } from "./config/schema.js";
import { circuitBreakerOf } from "./config/schema.js";
import { databaseWithLogin } from "./config/schema-login.js";
import { Lifecycle } from "./core/lifecycle.js";
import { CIRCUIT_STATE_VALUE, DatabaseCircuit } from "./db/circuit-breaker.js";
import { DatabaseHealth } from "./db/database-health.js";
import { DatabaseRegistry } from "./db/database-registry.js";
import type { CredentialSource, Driver } from "./db/driver.js";
import { createDriver } from "./db/drivers/index.js";
import { registerSqliteThreadMetrics } from "./db/drivers/sqlite/thread-metrics.js";
import { ConnectionPool } from "./db/pool.js";
import { createLimits } from "./limits/create-limits.js";
import { withWaiterCap } from "./limits/pool-waiters.js";
import { withStatementRates } from "./limits/statement-rate-guard.js";
import type { Logger } from "./observability/logger.js";
import { Metrics } from "./observability/metrics.js";
import { startTracing } from "./observability/tracing.js";
import { createStatementGuard } from "./policy/policy-guard.js";
import { createLoginRouter, loginsByDatabase } from "./policy/role-logins.js";
import type { StatementGuard } from "./policy/statement-guard.js";
import { CompatConnections } from "./rpc/compat/compat-connections.js";
import { withApiKeysFromSecret } from "./secrets/api-keys-secret.js";
import { credentialSourceFor } from "./secrets/resolve-secret.js";
import { SessionRegistry } from "./sessions/registry.js";
import { listenGated } from "./transport/connection-gate.js";
import { createGrpcServer, SQL_SERVICE_NAME } from "./transport/grpc-server.js";
import { createHttpServer, listenHttp } from "./transport/http-server.js";
import { createAuthentication } from "./transport/interceptors/authentication.js";
import type { IdentityResolver } from "./transport/interceptors/identity.js";
import { keepaliveOptions } from "./transport/keepalive.js";
import { syncGrpcHealth } from "./transport/readiness.js";
import { watchRepeatedHeaders } from "./transport/repeated-headers.js";
import { createServerTls } from "./transport/tls/server-tls.js";

export interface ProxyOptions {
  config: ProxyConfig;
  logger: Logger;
  env?: Record<string, string | undefined>;
  identity?: IdentityResolver;
  /** The mTLS authenticator (auth.mtls), joined to the methods built from config.auth. */
  mtlsAuthenticator?: Authenticator;
  /** How often each database's readiness is checked (default server.readinessIntervalMs). */
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
  health: DatabaseHealth;
  /** Graceful stop: refuse new calls, drain in-flight ones up to drainTimeoutMs, roll back sessions, close pools. */
  stop(): Promise<void>;
}

export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  const { config, logger } = options;
  const env = options.env ?? process.env;
  // Before anything opens: API keys kept in a secret are part of the configuration.
  const auth = config.auth ? await withApiKeysFromSecret(config.auth, Object.keys(config.roles), env) : undefined;
  const metrics = new Metrics();
  registerSqliteThreadMetrics(metrics.registry);
  // Every component with a start and a stop, in start order. A failed start stops what had started, newest first;
  // the graceful stop runs the same list: drain gRPC, then sessions, the HTTP port, databases, TLS, audit, guard.
  const lifecycle = new Lifecycle((component, error) => logger.error({ component, err: error }, "stop failed"));
  // Tracing first and stopped last: spans of the drain are exported too.
  const tracing = await lifecycle.start(
    "tracing",
    () => startTracing(config.tracing, { env, registry: metrics.registry, logger }),
    (t) => t.shutdown(),
  );
  // Guard, audit and TLS first: an unreadable allow-list, audit file or certificate stops the start before any
  // database connection or port is opened. A guard or audit sink passed in belongs to the caller.
  const guard =
    options.guard ??
    (await lifecycle.start(
      "statement guard",
      () => createStatementGuard({ config, logger, metrics }),
      (g) => g.close().catch((error: unknown) => logger.error({ err: error }, "allow-list flush failed")),
    ));
  const audit =
    options.audit ??
    (await lifecycle.start(
      "audit sink",
      () => createAuditSink(config.audit, { logger, registry: metrics.registry }),
      (a) => a.close(),
    ));
  const tlsConfig = config.server.tls;
  const tls = tlsConfig
    ? await lifecycle.start(
        "tls",
        () =>
          createServerTls(tlsConfig, {
            logger: logger.child({ component: "tls" }),
            env,
            handshakeTimeoutMs: config.server.connections.handshakeTimeoutMs,
          }),
        (t) => t.close(),
      )
    : undefined;
  const limits = await lifecycle.start(
    "limits",
    () => createLimits(config, { env, logger, registry: metrics.registry }),
    (l) => l.stop(),
  );
  const drainTimeoutMs = config.server.drainTimeoutMs;
  const roleLogins = loginsByDatabase(config.roles);
  const databases = await lifecycle.start(
    "databases",
    () =>
      DatabaseRegistry.create(config.databases, {
        logger,
        credentialsFor: (_name: string, db: DatabaseConfig): CredentialSource => credentialSourceFor(db, env),
        createDriver: (name, db, deps): Promise<Driver> => createDriver(name, db, deps),
        createCircuit: (name, db) =>
          new DatabaseCircuit({
            database: name,
            config: circuitBreakerOf(db),
            logger: logger.child({ database: name }),
          }),
        createPool: (name, db, driver, observer, circuit) =>
          withWaiterCap(
            new ConnectionPool({
              database: name,
              config: db.pool,
              connect: () => driver.connect(),
              logger: logger.child({ database: name }),
              ...(observer ? { observer } : {}),
              // While the database is down only probes open connections to it: minIdle waits for the circuit.
              ...(circuit
                ? {
                    mayOpenInBackground: () => circuit.allowsBackgroundConnects(),
                    backgroundConnectFailed: (error: unknown) => void circuit.recordFailure(error),
                  }
                : {}),
            }),
            config.rateLimits.maxPoolWaiters,
            config.rateLimits.retryAfterMs,
            () => limits.metrics.refused("pool_waiters"),
          ),
        observerFor: (name) => metrics.poolObserver(name),
        // Least privilege in the database: each role login gets a pool of its own on its own credentials.
        loginsFor: (name) =>
          [...(roleLogins.get(name)?.entries() ?? [])].map(([key, { label, login }]) => ({
            key,
            label,
            config: databaseWithLogin(config.databases[name] as DatabaseConfig, login),
          })),
      }),
    (d) => d.close(Math.min(5000, drainTimeoutMs)),
  );
  for (const db of databases.all()) {
    metrics.trackPool(db.name, () => db.pool.stats());
    for (const [label, pool] of db.loginPools) metrics.trackPool(`${db.name}@${label}`, () => pool.stats());
    const circuit = db.circuit;
    if (circuit) metrics.trackCircuit(db.name, () => CIRCUIT_STATE_VALUE[circuit.state]);
    metrics.health.trackDatabase(db.name);
  }
  if (tls) metrics.health.trackCertificate("server", () => Date.parse(tls.current().validTo) / 1000);
  metrics.health.setSessionLimit(config.sessions.maxTotal);

  let draining = false;
  // One readiness state for /readyz and gRPC health; its first round of checks runs before the ports open.
  const databaseHealth = await lifecycle.start(
    "database health",
    async () => {
      const h = new DatabaseHealth({
        databases: databases.all(),
        intervalMs: options.healthIntervalMs ?? config.server.readinessIntervalMs,
        timeoutMs: config.server.readinessTimeoutMs,
      });
      // proxy_database_up follows the same state as /readyz and gRPC health.
      h.onChange((state) => metrics.health.databaseChecked(state.database, state.ready));
      await h.start();
      return h;
    },
    (h) => h.stop(),
  );
  const http = await lifecycle.start(
    "http server",
    () => createHttpServer({ metrics, health: databaseHealth, isDraining: () => draining }),
    async (h) => {
      await new Promise<void>((resolve) => h.close(() => resolve()));
      h.closeAllConnections();
    },
  );

  const sessions = await lifecycle.start(
    "sessions",
    () =>
      new SessionRegistry({
        config: config.sessions,
        logger: logger.child({ component: "sessions" }),
        onExpired: () => metrics.sessionsExpired.inc(),
      }),
    (s) => s.closeAll(),
  );
  metrics.trackSessions(() => sessions.size);

  const { server, health } = await lifecycle.start(
    "grpc server",
    () =>
      createGrpcServer({
        deps: {
          databases,
          sessions,
          limits: config.limits,
          idleTimeoutMs: config.sessions.idleTimeoutMs,
          maxPreparedPerSession: config.sessions.maxPreparedPerSession,
          metrics,
          logger,
          guard: withStatementRates(guard, limits.admission),
          audit,
          logins: createLoginRouter(config.roles),
        },
        logger: logger.child({ component: "grpc" }),
        metrics,
        maxReceiveMessageBytes: config.server.maxReceiveMessageBytes,
        maxSendMessageBytes: config.server.maxSendMessageBytes,
        channelOptions: keepaliveOptions(config.server.keepalive),
        admission: limits.admission,
        ...(options.identity ? { identity: options.identity } : {}),
        loopbackOnly: isLoopbackHost(config.server.host),
        ...(config.compat.enabled ? { compat: { ...config.compat, connections: new CompatConnections() } } : {}),
        ...(auth
          ? {
              authentication: createAuthentication(
                createAuthenticators(auth, {
                  mtls: options.mtlsAuthenticator ?? createMtlsAuthenticator(auth.mtls),
                }),
                logger.child({ component: "auth" }),
              ),
              anonymousReflection: auth.anonymousReflection === true,
            }
          : {}),
      }),
    // Ends whatever the drain left (and everything on a failed start).
    (g) => g.server.forceShutdown(),
  );
  const grpcHealth = await lifecycle.start(
    "grpc health",
    () => syncGrpcHealth(health, databaseHealth, ["", SQL_SERVICE_NAME], () => draining),
    (g) => g.stop(),
  );
  const grpcGate = await lifecycle.start(
    "grpc port",
    async () => {
      const gate = await listenGated({
        server,
        host: config.server.host,
        port: config.server.grpcPort,
        credentials: tls?.credentials ?? ServerCredentials.createInsecure(),
        config: config.server.connections,
        logger: logger.child({ component: "connections" }),
        registry: metrics.registry,
      });
      // Right after the listen, before any I/O callback can deliver a stream: every request passes the hook.
      if (auth) watchRepeatedHeaders(server);
      return gate;
    },
    (gate) => gate.close(),
  );
  const grpcPort = grpcGate.port;
  const httpPort = await lifecycle.start("http port", () =>
    listenHttp(http, config.server.host, config.server.httpPort),
  );
  // Last to start, first to stop: report not serving, stop accepting calls and wait for in-flight ones.
  await lifecycle.start(
    "drain",
    () => undefined,
    async () => {
      draining = true;
      grpcHealth.refresh();
      logger.info({ drainTimeoutMs }, "draining");
      void grpcGate.stopAccepting();
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
    },
  );
  logger.info(
    {
      host: config.server.host,
      grpcPort,
      httpPort,
      tls: tls !== undefined,
      tracing: tracing.enabled ? tracing.summary : false,
      databases: databases.all().map((d) => `${d.name}(${d.driver})`),
    },
    "proxy listening",
  );

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= lifecycle.stop().then(() => logger.info("stopped"));
    return stopping;
  };
  return { grpcPort, httpPort, metrics, sessions, databases, health: databaseHealth, stop };
}
