// The audit trail through a real gRPC client: executed statements and refused ones each leave one record,
// with identity, class, fingerprint and status, and never a literal or parameter value.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, execRequest, expectStatus, v } from "../support/grpc-client.js";
import { startTestProxy, type TestProxy } from "../support/test-proxy.js";

describe("audit trail", () => {
  const dir = mkdtempSync(join(tmpdir(), "igp-audit-"));
  const auditFile = join(dir, "audit.jsonl");
  let t: TestProxy;
  let records: Record<string, unknown>[] = [];
  beforeAll(async () => {
    t = await startTestProxy("sqlite", { configPatch: { audit: { enabled: true, destination: { file: auditFile } } } });
    await call(
      t.client,
      "execute",
      execRequest({ sql: "SELECT city FROM customer WHERE email = ?", params: [v.str("marker-param@x")] }),
    );
    await expectStatus(
      call(t.client, "execute", execRequest({ sql: "DROP TABLE customer" })),
      status.PERMISSION_DENIED,
    );
    await expectStatus(
      call(t.client, "execute", execRequest({ sql: "SELECT 'marker-literal'; DELETE FROM customer" })),
      status.PERMISSION_DENIED,
    );
    await expectStatus(
      call(t.client, "execute", execRequest({ sql: "SELECT * FROM no_such_table" })),
      status.NOT_FOUND,
    );
    await t.close(); // flushes the audit file
    records = readFileSync(auditFile, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("records executed, failed and refused statements, one each", () => {
    expect(records.map((r) => [r.statementClass, r.status])).toEqual([
      ["read", "OK"],
      ["ddl", "PermissionDenied"],
      ["write", "PermissionDenied"],
      ["read", "NotFound"],
    ]);
    for (const record of records) {
      expect(record).toMatchObject({ database: "main", rpc: "Execute", identityMethod: "peer" });
      expect(String(record.fingerprintId)).toMatch(/^[0-9a-f]{16}$/);
    }
    expect(records[1]?.fingerprint).toBe("drop table customer");
  });

  it("never records a parameter value or a literal", () => {
    const text = JSON.stringify(records);
    expect(text).not.toContain("marker-param");
    expect(text).not.toContain("marker-literal");
  });
});
