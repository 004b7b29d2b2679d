// How each legacy call reports a failure: an OK response with success = false and/or the error text, as the
// Java proxy did. The text is the proxy's client-safe message of the mapped status (never a stack trace, host
// or port).
import type * as legacy from "../../gen/informix/informix.js";

export const legacyFailure = {
  connect: (e: string): legacy.ConnectionResponse => ({
    connectionId: "",
    serverVersion: "",
    success: false,
    error: e,
  }),
  disconnect: (_e: string): legacy.DisconnectResponse => ({ success: false }),
  ping: (_e: string): legacy.PingResponse => ({ alive: false, latencyMs: -1n }),
  query: (e: string): legacy.QueryResponse => ({
    rows: [],
    columns: [],
    hasMore: false,
    totalRows: 0,
    error: e,
  }),
  update: (e: string): legacy.UpdateResponse => ({ rowsAffected: -1, error: e }),
  batch: (e: string): legacy.BatchResponse => ({ rowsAffected: [], error: e }),
  prepare: (e: string): legacy.PrepareResponse => ({ statementId: "", parameterCount: 0, error: e }),
  closePrepared: (_e: string): legacy.ClosePreparedResponse => ({ success: false }),
  transaction: (e: string): legacy.TransactionResponse => ({ success: false, error: e }),
  metadata: (e: string): legacy.MetadataResponse => ({ tables: [], error: e }),
};
