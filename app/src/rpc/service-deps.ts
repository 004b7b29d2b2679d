// Everything the RPC handlers need, passed in once at assembly.

import type { AuditSink } from "../audit/audit-sink.js";
import type { LimitsConfig } from "../config/schema.js";
import type { DatabaseRegistry } from "../db/database-registry.js";
import type { Logger } from "../observability/logger.js";
import type { Metrics } from "../observability/metrics.js";
import type { LoginRouter } from "../policy/role-logins.js";
import type { StatementGuard } from "../policy/statement-guard.js";
import type { SessionRegistry } from "../sessions/registry.js";

export interface ServiceDeps {
  databases: DatabaseRegistry;
  sessions: SessionRegistry;
  limits: LimitsConfig;
  idleTimeoutMs: number;
  maxPreparedPerSession: number;
  metrics: Metrics;
  logger: Logger;
  guard: StatementGuard;
  /** Role logins (least privilege); absent = every call on the database's own credentials. */
  logins?: LoginRouter;
  audit: AuditSink;
}
