// How each legacy call reports a failure: an OK response with success = false and/or the error text, as the
// Java proxy did. The text is the proxy's client-safe message (never a stack trace, host or port).
import type { ApiError } from "../../core/api-error.js";
import type * as legacy from "../../gen/informix/informix.js";

export function legacyErrorText(error: ApiError): string {
  return error.message;
}

const text = legacyErrorText;

export const legacyFailure = {
  connect: (e: ApiError): legacy.ConnectionResponse => ({
    connectionId: "",
    serverVersion: "",
    success: false,
    error: text(e),
  }),
  disconnect: (_e: ApiError): legacy.DisconnectResponse => ({ success: false }),
  ping: (_e: ApiError): legacy.PingResponse => ({ alive: false, latencyMs: 0n }),
  query: (e: ApiError): legacy.QueryResponse => ({
    rows: [],
    columns: [],
    hasMore: false,
    totalRows: 0,
    error: text(e),
  }),
  update: (e: ApiError): legacy.UpdateResponse => ({ rowsAffected: 0, error: text(e) }),
  batch: (e: ApiError): legacy.BatchResponse => ({ rowsAffected: [], error: text(e) }),
  prepare: (e: ApiError): legacy.PrepareResponse => ({ statementId: "", parameterCount: 0, error: text(e) }),
  closePrepared: (_e: ApiError): legacy.ClosePreparedResponse => ({ success: false }),
  transaction: (e: ApiError): legacy.TransactionResponse => ({ success: false, error: text(e) }),
  metadata: (e: ApiError): legacy.MetadataResponse => ({ tables: [], error: text(e) }),
};
