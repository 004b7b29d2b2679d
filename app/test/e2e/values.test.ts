// Lossless value round trips through the proxy on each driver: parameters in, the same values out.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExecuteResponse } from "../../src/gen/informix/proxy/v1/sql_service.js";
import type { Value } from "../../src/gen/informix/proxy/v1/values.js";
import { call, execRequest, plain, v } from "../support/grpc-client.js";
import { DRIVERS, startTestProxy, type TestProxy } from "../support/test-proxy.js";

const TABLE: Record<string, string> = {
  sqlite:
    "CREATE TABLE vt (id INTEGER PRIMARY KEY, s TEXT, b BLOB, d DECIMAL_TEXT(32,10), i8 BIGINT, f DOUBLE, dt DATE, ts TIMESTAMP, ok BOOLEAN)",
  postgres:
    "CREATE TABLE vt (id bigint PRIMARY KEY, s text, b bytea, d numeric(32,10), i8 bigint, f double precision, dt date, ts timestamp(6), ok boolean)",
};

interface Case {
  name: string;
  column: string;
  value: Value;
  expected: unknown;
}

const CASES: Case[] = [
  { name: "NULL", column: "s", value: v.null(), expected: null },
  { name: "empty string is not NULL", column: "s", value: v.str(""), expected: "" },
  {
    name: "unicode",
    column: "s",
    value: v.str("Grüße, 日本語, emoji 🚀, RTL שלום"),
    expected: "Grüße, 日本語, emoji 🚀, RTL שלום",
  },
  {
    name: "bytes with NUL",
    column: "b",
    value: v.bytes(Buffer.from([0, 1, 2, 0, 255, 0])),
    expected: Buffer.from([0, 1, 2, 0, 255, 0]),
  },
  {
    name: "DECIMAL(32,10)",
    column: "d",
    value: v.dec("1234567890123456789012.0123456789"),
    expected: "1234567890123456789012.0123456789",
  },
  { name: "BIGINT max", column: "i8", value: v.int(9223372036854775807n), expected: 9223372036854775807n },
  { name: "BIGINT min", column: "i8", value: v.int(-9223372036854775808n), expected: -9223372036854775808n },
  { name: "double", column: "f", value: v.dbl(0.1 + 0.2), expected: 0.1 + 0.2 },
  { name: "date", column: "dt", value: v.date("2026-02-28"), expected: "2026-02-28" },
  {
    name: "timestamp with microseconds",
    column: "ts",
    value: v.ts("2026-11-26T14:05:09.123456"),
    expected: "2026-11-26T14:05:09.123456",
  },
  { name: "boolean", column: "ok", value: v.bool(true), expected: true },
];

describe.each(DRIVERS)("value round trip on %s", (driver) => {
  let t: TestProxy;
  beforeAll(async () => {
    t = await startTestProxy(driver, { configPatch: { policy: { allowDdl: true } } }); // creates its table
    await call(t.client, "execute", execRequest({ sql: TABLE[driver] as string }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each(CASES.map((c, i) => ({ ...c, id: i + 1 })))("$name", async ({ id, column, value, expected }) => {
    await call(
      t.client,
      "execute",
      execRequest({ sql: `INSERT INTO vt (id, ${column}) VALUES (?, ?)`, params: [v.int(id), value] }),
    );
    const result = await call<unknown, ExecuteResponse>(
      t.client,
      "execute",
      execRequest({ sql: `SELECT ${column} FROM vt WHERE id = ?`, params: [v.int(id)] }),
    );
    const got = plain(result.rows[0]?.values[0]);
    if (expected !== null && column === "d") {
      // Scale padding differs by database (numeric(32,10) pads); the number must be exact.
      expect(String(got).replace(/0+$/, "")).toBe(String(expected).replace(/0+$/, ""));
    } else {
      expect(got).toEqual(expected);
    }
    expect(result.rows[0]?.values[0]?.kind?.$case).toBe(value.kind?.$case === "null" ? "null" : value.kind?.$case);
  });
});
