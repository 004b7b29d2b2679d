// The audit hook: one record per executed statement. Parameters are never part of a record.
export interface AuditRecord {
  time: string;
  identity: string;
  identityMethod: string;
  sessionId: string | undefined;
  database: string;
  rpc: string;
  statementClass: string;
  fingerprintId: string;
  fingerprint: string;
  rows: number;
  durationMs: number;
  /** gRPC status name: OK, InvalidArgument, PermissionDenied... */
  status: string;
}

export interface AuditSink {
  record(entry: AuditRecord): void;
  close(): Promise<void>;
}

export const NO_AUDIT: AuditSink = { record: () => undefined, close: async () => undefined };
