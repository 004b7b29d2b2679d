// Builds the audit sink the configuration asks for: NO_AUDIT when audit.enabled is false, otherwise JSON lines to
// stdout, stderr or a file opened for append. Writes go through pino's asynchronous SonicBoom destination, so a
// slow disk or a slow log collector on a pipe costs memory up to a bound, never event-loop time.
import { openSync } from "node:fs";
import { type Logger, pino } from "pino";
import { Counter, type Registry } from "prom-client";
import type { AuditConfig } from "../config/security-schema.js";
import { type AuditSink, NO_AUDIT } from "./audit-sink.js";
import { type DropReason, StreamAuditSink } from "./stream-audit-sink.js";

export interface AuditSinkDeps {
  logger: Logger;
  /** Where proxy_audit_records_*_total are registered (the proxy's /metrics registry). */
  registry?: Registry;
  /** Records queued while the destination is backed up; about 0.5 KB each. */
  maxBufferedRecords?: number;
}

export const DEFAULT_MAX_BUFFERED_AUDIT_RECORDS = 10_000;

export class AuditConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditConfigError";
  }
}

export function createAuditSink(config: AuditConfig, deps: AuditSinkDeps): AuditSink {
  if (!config.enabled) return NO_AUDIT;
  const registers = deps.registry ? [deps.registry] : [];
  const written = new Counter({
    name: "proxy_audit_records_written_total",
    help: "Audit records handed to the audit destination.",
    registers,
  });
  const dropped = new Counter({
    name: "proxy_audit_records_dropped_total",
    help: "Audit records dropped: buffer_full (destination too slow), stream_error (destination failed), closed.",
    labelNames: ["reason"],
    registers,
  });
  for (const reason of ["buffer_full", "stream_error", "closed"] satisfies DropReason[]) dropped.inc({ reason }, 0);

  const destination = config.destination;
  const target = destination === "stdout" ? "stdout" : destination === "stderr" ? "stderr" : destination.file;
  let fd: number;
  if (destination === "stdout") fd = 1;
  else if (destination === "stderr") fd = 2;
  else {
    // Opened here, synchronously and once, so a wrong path or permission stops the start with a clear message
    // instead of surfacing later as dropped records.
    try {
      fd = openSync(destination.file, "a", 0o640);
    } catch (error) {
      throw new AuditConfigError(
        `audit.destination.file ${destination.file}: cannot open for append (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
    }
  }
  const stream = pino.destination({ dest: fd, sync: false, minLength: 0 });
  const logger = deps.logger.child({ component: "audit", destination: target });
  return new StreamAuditSink({
    stream,
    maxBufferedRecords: deps.maxBufferedRecords ?? DEFAULT_MAX_BUFFERED_AUDIT_RECORDS,
    onWritten: () => written.inc(),
    onDropped: (reason) => dropped.inc({ reason }),
    logger,
    // SonicBoom's end() writes what it holds, then closes the fd; it never closes fd 1 or 2 (stdout, stderr).
    end: () =>
      new Promise<void>((resolve) => {
        stream.once("close", () => resolve());
        stream.once("error", () => resolve());
        stream.end();
      }),
  });
}
