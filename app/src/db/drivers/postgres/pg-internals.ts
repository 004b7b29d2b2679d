// The few things the PostgreSQL driver needs from `pg` that its public API does not offer, in one place. Each
// reads an undocumented field, so this file is pinned: checked on pg 8.23.1 (lib/client.js, lib/connection.js),
// and test/db/drivers/postgres-internals.test.ts fails on any other installed version until the fields are
// checked again. Everything else the driver uses is public (getTransactionStatus, pg-cursor's read callback).
import type pg from "pg";

export const PG_VERSION_CHECKED = "8.23.1";

interface ClientFields {
  /** Set from BackendKeyData at connect; null before. */
  processID?: number | null;
  secretKey?: number | null;
  connection?: {
    /** Named statements pg has parsed on this connection (name -> text); pg skips Parse for names in it. */
    parsedStatements?: Record<string, string>;
    /** The socket. */
    stream?: { cork?(): void; uncork?(): void; destroy?(): void };
  };
}

const fieldsOf = (client: pg.Client) => client as unknown as ClientFields;

/** The backend's process id and secret key, which an out-of-band CancelRequest names; undefined before connect. */
export function backendKeyOf(client: pg.Client): { processId: number; secretKey: number } | undefined {
  const { processID, secretKey } = fieldsOf(client);
  return typeof processID === "number" && typeof secretKey === "number"
    ? { processId: processID, secretKey }
    : undefined;
}

/** Whether pg has parsed the named statement on this connection (it is only parsed at its first execution). */
export function isParsed(client: pg.Client, name: string): boolean {
  const parsed = fieldsOf(client).connection?.parsedStatements;
  return parsed !== undefined && Object.hasOwn(parsed, name);
}

/** After DEALLOCATE: pg forgets the name, so its cache does not grow with every closed statement. */
export function forgetParsed(client: pg.Client, name: string): void {
  const parsed = fieldsOf(client).connection?.parsedStatements;
  if (parsed) delete parsed[name];
}

/**
 * Runs fn with the client's socket corked until the next tick, so the several protocol messages it writes
 * (Parse, Bind, Describe, Execute, Flush; or Close, Sync) leave as one packet. pg's own Query does the same;
 * pg-cursor does not, and a write per message cost more CPU than the query itself. Without the socket (another pg
 * version) fn still runs, only unbatched.
 */
export function corked<T>(client: pg.Client, fn: () => T): T {
  const stream = fieldsOf(client).connection?.stream;
  stream?.cork?.();
  try {
    return fn();
  } finally {
    process.nextTick(() => stream?.uncork?.());
  }
}

/** Destroys the client's socket at once (a frozen or unreachable server never answers a polite Terminate); pg
 * then emits 'end' and fails whatever was pending. Without the socket (another pg version) nothing happens. */
export function destroySocket(client: pg.Client): void {
  fieldsOf(client).connection?.stream?.destroy?.();
}
