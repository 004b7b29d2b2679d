// The audit sink on its own: JSON lines appended to a file, back-pressure with a bounded backlog, counted drops,
// a failing destination, and audit.enabled: false.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { type AuditRecord, NO_AUDIT } from "../../src/audit/audit-sink.js";
import { AuditConfigError, createAuditSink } from "../../src/audit/create-audit-sink.js";
import { type DropReason, StreamAuditSink } from "../../src/audit/stream-audit-sink.js";
import { AuditConfig } from "../../src/config/security-schema.js";
import { createLogger } from "../../src/observability/logger.js";

const silent = createLogger("silent");
const run = promisify(execFile);

function auditRecord(n: number): AuditRecord {
  return {
    time: new Date(0).toISOString(),
    identity: "peer:127.0.0.1",
    identityMethod: "peer",
    sessionId: undefined,
    database: "main",
    rpc: "Execute",
    statementClass: "read",
    fingerprintId: "abc",
    fingerprint: "select ? from customer",
    rows: n,
    durationMs: 1.5,
    status: "OK",
  };
}

/** A destination that accepts one chunk and then holds every callback until release(): a stalled reader. */
class StalledWritable extends Writable {
  readonly chunks: string[] = [];
  private held: Array<() => void> = [];
  private flowing = false;
  constructor() {
    super({ highWaterMark: 1, decodeStrings: false });
  }
  override _write(chunk: string, _encoding: string, callback: () => void): void {
    this.chunks.push(chunk);
    if (this.flowing) callback();
    else this.held.push(callback);
  }
  /** The reader catches up for good. */
  flow(): void {
    this.flowing = true;
    this.release();
  }
  release(): void {
    const held = this.held;
    this.held = [];
    for (const callback of held) callback();
  }
  lines(): AuditRecord[] {
    return this.chunks
      .join("")
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as AuditRecord);
  }
}

async function metricValues(registry: Registry, name: string) {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  return (metric?.values ?? []) as Array<{ value: number; labels: Record<string, string> }>;
}

describe("StreamAuditSink", () => {
  it("queues while the destination is backed up, drops past the bound, and writes the backlog in order", async () => {
    const stream = new StalledWritable();
    const drops: DropReason[] = [];
    let written = 0;
    const sink = new StreamAuditSink({
      stream,
      maxBufferedRecords: 3,
      onWritten: () => written++,
      onDropped: (reason) => drops.push(reason),
      logger: silent,
    });
    for (let n = 1; n <= 6; n++) sink.record(auditRecord(n));
    // Record 1 went to the stream (which then asked to wait), 2..4 are queued, 5 and 6 overflow.
    expect(stream.lines().map((r) => r.rows)).toEqual([1]);
    expect(drops).toEqual(["buffer_full", "buffer_full"]);
    stream.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(stream.lines().map((r) => r.rows)).toEqual([1, 2, 3, 4]);
    expect(written).toBe(4);
    stream.release();
    const closed = sink.close();
    await closed;
    sink.record(auditRecord(7));
    expect(drops).toEqual(["buffer_full", "buffer_full", "closed"]);
  });

  it("close waits for the backlog to reach the destination", async () => {
    const stream = new StalledWritable();
    const sink = new StreamAuditSink({ stream, maxBufferedRecords: 10, onDropped: () => {}, logger: silent });
    sink.record(auditRecord(1));
    sink.record(auditRecord(2));
    let closed = false;
    const closing = sink.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    stream.flow();
    await closing;
    expect(stream.lines().map((r) => r.rows)).toEqual([1, 2]);
  });

  it("counts every record after a destination error as dropped, and logs the failure", async () => {
    const lines: string[] = [];
    const logger = createLogger("info", { write: (l: string) => lines.push(l) });
    const stream = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" }));
      },
    });
    const drops: DropReason[] = [];
    const sink = new StreamAuditSink({ stream, maxBufferedRecords: 10, onDropped: (r) => drops.push(r), logger });
    sink.record(auditRecord(1));
    await new Promise((resolve) => setImmediate(resolve));
    sink.record(auditRecord(2));
    sink.record(auditRecord(3));
    expect(drops).toEqual(["stream_error", "stream_error"]);
    expect(lines.some((l) => l.includes("audit destination failed") && l.includes("ENOSPC"))).toBe(true);
    await sink.close();
  });
});

describe("createAuditSink", () => {
  it("is NO_AUDIT when audit.enabled is false", () => {
    expect(createAuditSink(AuditConfig.parse({ enabled: false }), { logger: silent })).toBe(NO_AUDIT);
  });

  it("is on by default, to stderr", () => {
    const config = AuditConfig.parse({});
    expect(config).toEqual({ enabled: true, destination: "stderr" });
  });

  it("appends one JSON line per record to a file and counts them", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "igp-audit-")), "audit.log");
    writeFileSync(file, "earlier line\n");
    const registry = new Registry();
    const sink = createAuditSink(AuditConfig.parse({ destination: { file } }), { logger: silent, registry });
    for (let n = 0; n < 2000; n++) sink.record(auditRecord(n));
    await sink.close();
    const lines = readFileSync(file, "utf8").split("\n").filter(Boolean);
    expect(lines[0]).toBe("earlier line");
    const records = lines.slice(1).map((l) => JSON.parse(l) as AuditRecord);
    expect(records.map((r) => r.rows)).toEqual(Array.from({ length: 2000 }, (_, n) => n));
    expect(records[0]).toEqual(auditRecord(0));
    expect((await metricValues(registry, "proxy_audit_records_written_total"))[0]?.value).toBe(2000);
    const dropped = await metricValues(registry, "proxy_audit_records_dropped_total");
    expect(dropped.map((v) => v.value)).toEqual([0, 0, 0]);
  });

  it.each(["stdout", "stderr"] as const)(
    "writes to %s and leaves it open for the rest of the process",
    async (destination) => {
      // A child process, so the lines can be read from its real file descriptor.
      const script = [
        `import { createAuditSink } from ${JSON.stringify(join(import.meta.dirname, "../../src/audit/create-audit-sink.ts"))};`,
        `import { createLogger } from ${JSON.stringify(join(import.meta.dirname, "../../src/observability/logger.ts"))};`,
        `const sink = createAuditSink({ enabled: true, destination: "${destination}" }, { logger: createLogger("silent") });`,
        `for (let n = 0; n < 3; n++) sink.record(${JSON.stringify(auditRecord(0))});`,
        "await sink.close();",
        `process.${destination}.write("still open\\n");`,
      ].join("\n");
      const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        cwd: join(import.meta.dirname, "../.."),
      });
      const lines = (destination === "stdout" ? stdout : stderr).split("\n").filter(Boolean);
      expect(lines).toHaveLength(4);
      expect(JSON.parse(lines[0] as string)).toEqual(auditRecord(0));
      expect(lines[3]).toBe("still open");
    },
  );

  it("refuses a file it cannot open, naming the path", () => {
    const file = join(tmpdir(), "igp-no-such-dir", "nested", "audit.log");
    expect(() => createAuditSink(AuditConfig.parse({ destination: { file } }), { logger: silent })).toThrow(
      AuditConfigError,
    );
    expect(() => createAuditSink(AuditConfig.parse({ destination: { file } }), { logger: silent })).toThrow(
      /igp-no-such-dir.*ENOENT/,
    );
  });
});
