// Where a statement runs: on the caller's session connection (serialized with the session's other calls),
// or on a pooled connection of the named database in auto-commit, returned to the pool afterwards.

import { ApiError, databaseNotFound } from "../core/api-error.js";
import type { CallContext } from "../core/call-context.js";
import type { Database } from "../db/database-registry.js";
import type { Connection } from "../db/driver.js";
import { DbError } from "../db/errors.js";
import { dbSystemName, inSpan } from "../observability/spans.js";
import type { Session } from "../sessions/session.js";
import type { ServiceDeps } from "./service-deps.js";

export interface Target {
  connection: Connection;
  database: Database;
  session: Session | undefined;
}

export function findDatabase(deps: ServiceDeps, name: string): Database {
  const database = deps.databases.find(name);
  if (!database) throw databaseNotFound(name);
  return database;
}

export function findSession(deps: ServiceDeps, ctx: CallContext, sessionId: string): Session {
  const session = deps.sessions.get(sessionId, ctx.identity.id);
  ctx.logFields.sessionId = session.id;
  ctx.database = session.database.name;
  return session;
}

export async function withTarget<T>(
  deps: ServiceDeps,
  ctx: CallContext,
  request: { database: string; sessionId: string },
  work: (target: Target) => Promise<T>,
): Promise<T> {
  if (request.sessionId !== "") {
    const session = findSession(deps, ctx, request.sessionId);
    return session.run(() => work({ connection: session.lease.connection, database: session.database, session }));
  }
  const database = findDatabase(deps, request.database);
  ctx.database = database.name;
  // The caller's role may name its own, less privileged, database login (least privilege in the database).
  const pool = database.poolFor(deps.logins?.loginFor(ctx.identity.roles, database.name));
  // The span's length is the wait for a free connection.
  const lease = await inSpan(
    "pool acquire",
    { "db.system.name": dbSystemName(database.driver), "db.client.connection.pool.name": database.name },
    () => pool.acquire({ rpc: ctx.method, caller: ctx.identity.id }, ctx.signal),
    {
      errorType: (error) =>
        error instanceof ApiError ? error.reason : error instanceof DbError ? error.kind : "error",
    },
  );
  try {
    return await work({ connection: lease.connection, database, session: undefined });
  } finally {
    // The pool rolls back a transaction left open and destroys a connection its driver marked broken.
    await lease.release();
  }
}
