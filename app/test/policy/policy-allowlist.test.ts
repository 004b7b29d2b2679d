// Allow-list record and enforce modes on real files: new fingerprints only, no literal values, reload
// without duplicates, appends retried after a failure, and enforcement of exactly what was recorded.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { status } from "@grpc/grpc-js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PolicyConfig } from "../../src/config/security-schema.js";
import { ApiError } from "../../src/core/api-error.js";
import type { Identity } from "../../src/core/identity.js";
import { createLogger } from "../../src/observability/logger.js";
import { AllowlistFileError } from "../../src/policy/allowlist.js";
import { createStatementGuard } from "../../src/policy/policy-guard.js";
import { fingerprint, fingerprintId } from "../../src/sql/fingerprint.js";

const peer: Identity = { id: "peer:x", method: "peer", roles: [] };
let dir: string;
let file: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "igp-allowlist-"));
  file = join(dir, "allowlist.jsonl");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function guardIn(mode: "record" | "enforce", path = file, logger = createLogger("silent")) {
  return createStatementGuard({
    config: { auth: undefined, roles: {}, policy: PolicyConfig.parse({ allowlist: { mode, file: path } }) },
    logger,
  });
}

const run = (guard: ReturnType<typeof guardIn>, sql: string, database = "main") =>
  guard.checkStatement({ identity: peer, database, sql, rpc: "Execute", inTransaction: false });

const lines = (path = file) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Record<string, string>);

describe("allow-list record mode", () => {
  it("appends each new fingerprint once, with no literal values", async () => {
    const guard = guardIn("record");
    await run(guard, "SELECT * FROM customer WHERE name = 'Alice Secret' AND id = 4711");
    await run(guard, "select *  from CUSTOMER where name = 'Bob' and id = 1");
    await run(guard, "INSERT INTO orders VALUES (1, 'x'), (2, 'y')");
    await run(guard, "SELECT * FROM customer WHERE id IN (1, 2, 3)");
    await run(guard, "SELECT * FROM customer WHERE id IN (9)");
    await guard.close();

    const entries = lines();
    expect(entries.map((e) => e.fingerprint)).toEqual([
      "select * from customer where name = ? and id = ?",
      "insert into orders values (?, ?)...",
      "select * from customer where id in (?...)",
    ]);
    const first = entries[0] as Record<string, string>;
    expect(first).toMatchObject({
      id: fingerprintId("SELECT * FROM customer WHERE name = 'x' AND id = 1"),
      database: "main",
      class: "read",
    });
    expect(Number.isNaN(Date.parse(first.firstSeen as string))).toBe(false);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("Alice");
    expect(text).not.toContain("4711");
  });

  it("records the same fingerprint again for another database", async () => {
    const guard = guardIn("record");
    await run(guard, "SELECT 1", "main");
    await run(guard, "SELECT 2", "reports");
    await guard.close();
    expect(lines().map((e) => e.database)).toEqual(["main", "reports"]);
  });

  it("loads the existing file so a restart adds no duplicates", async () => {
    const first = guardIn("record");
    await run(first, "SELECT * FROM t WHERE a = 1");
    await first.close();
    const second = guardIn("record");
    await run(second, "SELECT * FROM t WHERE a = 2");
    await run(second, "DELETE FROM t WHERE a = 3");
    await second.close();
    expect(lines().map((e) => e.fingerprint)).toEqual(["select * from t where a = ?", "delete from t where a = ?"]);
  });

  it("does not record statements the policy refuses", async () => {
    const guard = guardIn("record");
    await expect(run(guard, "DROP TABLE t")).rejects.toBeInstanceOf(ApiError);
    await run(guard, "SELECT 1");
    await guard.close();
    expect(lines().map((e) => e.fingerprint)).toEqual(["select ?"]);
  });

  it("keeps entries queued while the file cannot be written and writes them on close", async () => {
    const path = join(dir, "later", "allowlist.jsonl");
    let appendFailed: () => void = () => undefined;
    const failure = new Promise<void>((resolve) => {
      appendFailed = resolve;
    });
    const errorLog = new Writable({
      write(chunk, _encoding, done) {
        if (String(chunk).includes("allow-list append failed")) appendFailed();
        done();
      },
    });
    const guard = guardIn("record", path, createLogger("error", errorLog));
    await run(guard, "SELECT 1");
    await failure; // the first append failed: the folder does not exist yet
    await run(guard, "SELECT a FROM t");
    mkdirSync(join(dir, "later"));
    await guard.close();
    expect(lines(path).map((e) => e.fingerprint)).toEqual(["select ?", "select a from t"]);
  });

  it("close() fails when entries still cannot be written", async () => {
    const guard = guardIn("record", join(dir, "never", "allowlist.jsonl"));
    await run(guard, "SELECT 1");
    await expect(guard.close()).rejects.toBeInstanceOf(AllowlistFileError);
  });

  it("never glues an entry to a last line without a newline", async () => {
    const existing = JSON.stringify({
      id: fingerprintId("SELECT 1"),
      fingerprint: fingerprint("SELECT 1"),
      firstSeen: "2026-01-01T00:00:00.000Z",
      database: "main",
      class: "read",
    });
    writeFileSync(file, existing);
    const guard = guardIn("record");
    await run(guard, "SELECT 1");
    await run(guard, "SELECT 2 FROM t");
    await guard.close();
    expect(lines().map((e) => e.fingerprint)).toEqual(["select ?", "select ? from t"]);
  });

  it("refuses to start on a file with an invalid line", () => {
    writeFileSync(file, '{"id":"nothex"}\n');
    expect(() => guardIn("record")).toThrow(/line 1/);
    expect(() => guardIn("enforce")).toThrow(AllowlistFileError);
  });
});

describe("allow-list enforce mode", () => {
  it("admits exactly what record mode wrote, whatever the literals", async () => {
    const recorder = guardIn("record");
    await run(recorder, "SELECT * FROM customer WHERE id = 1");
    await run(recorder, "UPDATE customer SET city = 'Paris' WHERE id = 2");
    await recorder.close();

    const guard = guardIn("enforce");
    expect((await run(guard, "select * from customer where id = 99")).statementClass).toBe("read");
    expect((await run(guard, "UPDATE customer SET city = 'Rome' WHERE id = 7")).statementClass).toBe("write");

    const sql = "SELECT * FROM customer WHERE name = 'Mallory'";
    const error = await run(guard, sql).then(
      () => undefined,
      (e: unknown) => e as ApiError,
    );
    expect(error?.code).toBe(status.PERMISSION_DENIED);
    expect(error?.reason).toBe("NOT_ALLOWLISTED");
    expect(error?.metadata).toMatchObject({
      fingerprint_id: fingerprintId(sql),
      fingerprint: "select * from customer where name = ?",
      database: "main",
      statement_class: "read",
    });
    expect(JSON.stringify(error?.metadata)).not.toContain("Mallory");
    expect(error?.message).not.toContain("Mallory");
    // Recorded on main only.
    await expect(run(guard, "SELECT * FROM customer WHERE id = 1", "reports")).rejects.toMatchObject({
      reason: "NOT_ALLOWLISTED",
    });
  });

  it('an entry for database "*" admits the statement everywhere', async () => {
    writeFileSync(
      file,
      `${JSON.stringify({ id: fingerprintId("SELECT 1"), fingerprint: "select ?", firstSeen: "2026-01-01T00:00:00Z", database: "*", class: "read" })}\n`,
    );
    const guard = guardIn("enforce");
    await run(guard, "SELECT 2", "main");
    await run(guard, "SELECT 3", "reports");
  });

  it("the policy applies before the allow-list", async () => {
    writeFileSync(
      file,
      `${JSON.stringify({ id: fingerprintId("DROP TABLE t"), fingerprint: "drop table t", firstSeen: "2026-01-01T00:00:00Z", database: "main", class: "ddl" })}\n`,
    );
    await expect(run(guardIn("enforce"), "DROP TABLE t")).rejects.toMatchObject({ reason: "POLICY_DDL_DENIED" });
  });

  it("refuses to start without its file", () => {
    expect(() => guardIn("enforce")).toThrow(AllowlistFileError);
  });
});
